import KafkaProtocol
import Testing

@testable import KafkaBroker

@Suite(.tags(.unit)) struct TopicCreationLimitsTests {
    let limits = TopicCreationLimits(maxPartitions: 1_000)

    @Test func withinTheLimit_noProblem() {
        #expect(limits.problem(topic: "t", partitions: 10, replicationFactor: 3, existingPartitions: 990) == nil)
    }

    @Test func twoBillionPartitions_policyViolationNamingTheLimit() throws {
        let problem = try #require(
            limits.problem(topic: "huge", partitions: Int(Int32.max), replicationFactor: 1, existingPartitions: 0))
        #expect(problem.code == .policyViolation)
        #expect(problem.message.contains("max.partitions is 1000"))
        #expect(problem.message.contains("'huge'"))
    }

    @Test func existingPartitionsCount_againstTheLimit() throws {
        let problem = try #require(limits.problem(topic: "t", partitions: 11, replicationFactor: 1, existingPartitions: 990))
        #expect(problem.code == .policyViolation)
        #expect(problem.message.contains("at most 10 more"))
        // A cluster already over the limit (max.partitions lowered later) creates nothing more.
        #expect(limits.problem(topic: "t", partitions: 1, replicationFactor: 1, existingPartitions: 5_000)?.code == .policyViolation)
    }

    @Test func nonPositiveCounts_kafkasOwnErrors() {
        #expect(limits.problem(topic: "t", partitions: 0, replicationFactor: 1, existingPartitions: 0)?.code == .invalidPartitions)
        #expect(limits.problem(topic: "t", partitions: -5, replicationFactor: 1, existingPartitions: 0)?.message
            == "Number of partitions must be larger than 0.")
        #expect(limits.problem(topic: "t", partitions: 1, replicationFactor: 0, existingPartitions: 0)?.code == .invalidReplicationFactor)
    }
}
