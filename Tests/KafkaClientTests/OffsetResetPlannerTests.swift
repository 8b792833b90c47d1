import KafkaClient
import KafkaConsoleTools
import Testing

@Suite("--reset-offsets planning (Kafka's prepareOffsetsToReset)", .tags(.unit))
struct OffsetResetPlannerTests {
    let p0 = TopicPartitionKey(topic: "t", partition: 0)
    let p1 = TopicPartitionKey(topic: "t", partition: 1)

    var inputs: OffsetResetPlanner.Inputs {
        .init(partitions: [p0, p1], logStartOffsets: [p0: 10, p1: 0], logEndOffsets: [p0: 100, p1: 50], committedOffsets: [p0: 40])
    }

    @Test("earliest, latest, current (log end without a commit)")
    func simple() throws {
        #expect(try OffsetResetPlanner.plan(.toEarliest, inputs).offsets == [p0: 10, p1: 0])
        #expect(try OffsetResetPlanner.plan(.toLatest, inputs).offsets == [p0: 100, p1: 50])
        #expect(try OffsetResetPlanner.plan(.toCurrent, inputs).offsets == [p0: 40, p1: 50])
    }

    @Test("to-offset is clamped into the log with Kafka's warnings")
    func clamped() throws {
        let plan = try OffsetResetPlanner.plan(.toOffset(5), inputs)
        #expect(plan.offsets == [p0: 10, p1: 5])
        #expect(plan.warnings == ["New offset (5) is lower than earliest offset for topic partition t-0. Value will be set to 10"])
        #expect(try OffsetResetPlanner.plan(.toOffset(70), inputs).offsets == [p0: 70, p1: 50])
    }

    @Test("shift-by needs a committed offset")
    func shift() throws {
        var only = inputs
        only.partitions = [p0]
        #expect(try OffsetResetPlanner.plan(.shiftBy(-35), only).offsets == [p0: 10])
        #expect(try OffsetResetPlanner.plan(.shiftBy(7), only).offsets == [p0: 47])
        #expect(throws: ConsumerGroupsUsageError("Cannot shift offset for partition t-1 since there is no current committed offset")) {
            try OffsetResetPlanner.plan(.shiftBy(1), inputs)
        }
    }

    @Test("to-datetime falls back to the log end offset where nothing is that recent")
    func datetime() throws {
        var withTimes = inputs
        withTimes.timestampOffsets = [p0: 42, p1: -1]
        let plan = try OffsetResetPlanner.plan(.toDatetime(0), withTimes)
        #expect(plan.offsets == [p0: 42, p1: 50])
        #expect(plan.warnings == ["Partition 1 from topic t is empty. Falling back to latest known offset."])
    }

    @Test("a partition without a known log end offset is an error naming it")
    func missing() {
        var unknown = inputs
        unknown.partitions = [TopicPartitionKey(topic: "u", partition: 3)]
        #expect(throws: ConsumerGroupsUsageError("Error getting ending offset of topic partition: u-3")) {
            try OffsetResetPlanner.plan(.toLatest, unknown)
        }
    }
}
