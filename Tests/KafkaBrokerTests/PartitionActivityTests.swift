import KafkaBroker
import KafkaModel
import Testing

@Suite("Partition activity: parked fetches and produces wake on change or time out")
struct PartitionActivityTests {
    let topicPartition = TopicPartition(topic: "t", partition: 0)

    @Test("a change after the mark wakes the waiter before its timeout", .timeLimit(.minutes(1)))
    func wakesOnChange() async {
        let activity = PartitionActivity()
        let mark = activity.mark()
        let started = ContinuousClock.now
        async let waited: Void = activity.wait(for: [topicPartition], after: mark, timeout: .seconds(30))
        try? await Task.sleep(for: .milliseconds(50))
        activity.notify(topicPartition)
        await waited
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test("a change between the mark and the wait is not missed", .timeLimit(.minutes(1)))
    func changeBeforeWaitIsSeen() async {
        let activity = PartitionActivity()
        let mark = activity.mark()
        activity.notify(topicPartition)
        let started = ContinuousClock.now
        await activity.wait(for: [topicPartition], after: mark, timeout: .seconds(30))
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test("a change on another partition does not wake the waiter; the timeout does", .timeLimit(.minutes(1)))
    func timesOut() async {
        let activity = PartitionActivity()
        let mark = activity.mark()
        activity.notify(TopicPartition(topic: "other", partition: 0))
        let started = ContinuousClock.now
        await activity.wait(for: [topicPartition], after: mark, timeout: .milliseconds(200))
        #expect(ContinuousClock.now - started >= .milliseconds(200))
    }
}
