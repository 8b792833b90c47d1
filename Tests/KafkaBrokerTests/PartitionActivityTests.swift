import KafkaBroker
import KafkaModel
import Testing

@Suite("Partition activity: parked fetches and produces wake on change or time out", .tags(.unit))
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

@Suite("Partition activity: waiters on many partitions (follower fetch sessions)", .tags(.unit))
struct BroadPartitionActivityTests {
    let partitions = Set((0..<1_000).map { TopicPartition(topic: "many", partition: Int32($0)) })

    @Test("a change on one of a thousand partitions wakes the waiter", .timeLimit(.minutes(1)))
    func wakesOnOneOfMany() async {
        let activity = PartitionActivity()
        let mark = activity.mark()
        let started = ContinuousClock.now
        async let waited: Void = activity.wait(for: partitions, after: mark, timeout: .seconds(30))
        try? await Task.sleep(for: .milliseconds(50))
        activity.notify(TopicPartition(topic: "other", partition: 0))
        activity.notify(TopicPartition(topic: "many", partition: 777))
        await waited
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test("changes elsewhere that the recent-change ring holds do not wake it", .timeLimit(.minutes(1)))
    func unrelatedChangesDoNotWake() async {
        let activity = PartitionActivity()
        let mark = activity.mark()
        // Fewer than the ring holds (4,096).
        for i in 0..<4_000 { activity.notify(TopicPartition(topic: "other", partition: Int32(i))) }
        let started = ContinuousClock.now
        await activity.wait(for: partitions, after: mark, timeout: .milliseconds(200))
        #expect(ContinuousClock.now - started >= .milliseconds(200))
    }

    @Test("a mark older than the recent-change ring wakes at once, and a fresh mark waits", .timeLimit(.minutes(1)))
    func markOlderThanTheRingWakesAtOnce() async {
        // No per-partition record of the last change is kept (issue 14), so such a wait cannot tell: it
        // returns and the caller re-checks with a new mark, as the fetch and produce handlers do.
        let activity = PartitionActivity()
        let mark = activity.mark()
        for i in 0..<5_000 { activity.notify(TopicPartition(topic: "other", partition: Int32(i))) }
        let started = ContinuousClock.now
        await activity.wait(for: partitions, after: mark, timeout: .seconds(30))
        #expect(ContinuousClock.now - started < .seconds(30))
        let fresh = ContinuousClock.now
        await activity.wait(for: partitions, after: activity.mark(), timeout: .milliseconds(200))
        #expect(ContinuousClock.now - fresh >= .milliseconds(200))
    }

    @Test("a change before the wait is seen whether or not it is still in the recent-change ring", .timeLimit(.minutes(1)))
    func earlierChangeIsSeen() async {
        for laterChanges in [10, 5_000] {
            let activity = PartitionActivity()
            let mark = activity.mark()
            activity.notify(TopicPartition(topic: "many", partition: 3))
            for i in 0..<laterChanges { activity.notify(TopicPartition(topic: "other", partition: Int32(i))) }
            let started = ContinuousClock.now
            await activity.wait(for: partitions, after: mark, timeout: .seconds(30))
            #expect(ContinuousClock.now - started < .seconds(30), "with \(laterChanges) later changes")
        }
    }
}
