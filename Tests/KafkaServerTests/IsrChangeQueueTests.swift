import KafkaBroker
import KafkaModel
import KafkaProtocol
import KafkaQuorumController
import KafkaRaftProtocol
import KafkaServer
import NIOCore
import Testing

/// Kafka 2.8's `AlterIsrManager` / 3.3's `AlterPartitionManager` batching: every pending ISR change in one
/// request, one request in flight, changes kept through failures until the controller answers for them. Most
/// cases go through the AlterPartition wire form (KRaft); the AlterIsr ones at the end check the ZooKeeper-mode
/// form of the same queue.
@Suite("ISR change queue", .tags(.unit))
struct IsrChangeQueueTests {
    static func update(_ topic: String, _ partition: Int32, isr: [Int32], epoch: Int32 = 5, leaderEpoch: Int32 = 2) -> Partition.IsrUpdate {
        Partition.IsrUpdate(
            topicPartition: TopicPartition(topic: topic, partition: partition),
            leadership: LeaderISRAndControllerEpoch(leader: 1, leaderEpoch: leaderEpoch, isr: isr, zkVersion: epoch, controllerEpoch: 1))
    }

    static func answer(_ topic: String, _ answers: [(partition: Int32, error: KafkaErrorCode, isr: [Int32], epoch: Int32)]) -> AlterPartitionResponse {
        AlterPartitionResponse(topics: [.init(
            topicName: topic,
            partitions: answers.map { .init(partitionIndex: $0.partition, errorCode: $0.error.rawValue, leaderId: 1, leaderEpoch: 2, isr: $0.isr, partitionEpoch: $0.epoch) })])
    }

    static func next(_ queue: inout IsrChangeQueue<Int>, brokerID: Int32, brokerEpoch: Int64, topicIDs: [String: KafkaUUID]) -> AlterPartitionRequest? {
        queue.nextRequest(brokerID: brokerID, brokerEpoch: brokerEpoch, topicIDs: topicIDs)
    }

    static func submit(_ queue: inout IsrChangeQueue<Int>, _ update: Partition.IsrUpdate, token: Int) -> IsrChangeQueue<Int>.Outcome? {
        queue.submit(update, token: token)
    }

    @Test func pendingChanges_goInOneRequest_andOnlyOneRequestIsInFlight() throws {
        var queue = IsrChangeQueue<Int>()
        for p in 0..<1_000 { #expect(Self.submit(&queue, Self.update("t", Int32(p), isr: [1, 2, 3]), token: p) == nil) }
        #expect(Self.submit(&queue, Self.update("u", 0, isr: [1, 2]), token: 1_000) == nil)
        let request = try #require(Self.next(&queue, brokerID: 1, brokerEpoch: 42, topicIDs: [:]))
        #expect(request.brokerId == 1 && request.brokerEpoch == 42)
        #expect(request.topics.map(\.topicName) == ["t", "u"])
        #expect(request.topics[0].partitions.count == 1_000)
        #expect(request.topics[0].partitions[7].partitionIndex == 7 && request.topics[0].partitions[7].newIsr == [1, 2, 3])
        #expect(request.topics[0].partitions[7].partitionEpoch == 5 && request.topics[0].partitions[7].leaderEpoch == 2)
        // A change submitted while the request is in flight waits for the next one.
        #expect(Self.submit(&queue, Self.update("v", 0, isr: [1]), token: 2_000) == nil)
        #expect(Self.next(&queue, brokerID: 1, brokerEpoch: 42, topicIDs: [:]) == nil)
    }

    @Test func aSecondChangeForAPendingPartition_isNotAttempted() {
        var queue = IsrChangeQueue<Int>()
        #expect(Self.submit(&queue, Self.update("t", 0, isr: [1, 2]), token: 1) == nil)
        #expect(Self.submit(&queue, Self.update("t", 0, isr: [1, 2, 3]), token: 2) == .refused(.operationNotAttempted))
    }

    @Test func aFailedRequest_keepsEveryChange_forTheNextRequest() throws {
        var queue = IsrChangeQueue<Int>()
        _ = queue.submit(Self.update("t", 0, isr: [1, 2]), token: 1)
        _ = try #require(Self.next(&queue, brokerID: 1, brokerEpoch: 42, topicIDs: [:]))
        _ = queue.submit(Self.update("t", 1, isr: [1, 3]), token: 2)
        queue.requestFailed()  // timeout, lost connection or NOT_CONTROLLER
        let retry = try #require(Self.next(&queue, brokerID: 1, brokerEpoch: 43, topicIDs: [:]))
        #expect(retry.brokerEpoch == 43)
        #expect(retry.topics.first?.partitions.map(\.partitionIndex) == [0, 1])
    }

    @Test func answers_completeTheirChanges_andRetriableErrorsStayQueued() throws {
        var queue = IsrChangeQueue<Int>()
        for p in 0..<5 { _ = queue.submit(Self.update("t", Int32(p), isr: [1, 2, 3]), token: p) }
        _ = try #require(Self.next(&queue, brokerID: 1, brokerEpoch: 42, topicIDs: [:]))
        let completed = queue.answered(Self.answer("t", [
            (0, .none, [1, 2, 3], 6),
            (1, .invalidUpdateVersion, [], 0),
            (2, .ineligibleReplica, [], 0),
            (3, .staleBrokerEpoch, [], 0),  // retried, as Kafka's Partition does for unexpected errors
            // partition 4 is missing from the answer: sent again
        ]))
        let outcomes = Dictionary(uniqueKeysWithValues: completed.map { ($0.token, $0.outcome) })
        #expect(outcomes == [0: .accepted(partitionEpoch: 6), 1: .refused(.invalidUpdateVersion), 2: .refused(.ineligibleReplica)])
        #expect(!queue.requestInFlight)
        let next = try #require(Self.next(&queue, brokerID: 1, brokerEpoch: 42, topicIDs: [:]))
        #expect(next.topics.first?.partitions.map(\.partitionIndex) == [3, 4])
    }

    @Test func anAcceptedAnswerWithAnotherIsr_isNotTakenAsApplied() throws {
        var queue = IsrChangeQueue<Int>()
        _ = queue.submit(Self.update("t", 0, isr: [1, 2, 3]), token: 1)
        _ = try #require(Self.next(&queue, brokerID: 1, brokerEpoch: 42, topicIDs: [:]))
        let completed = queue.answered(Self.answer("t", [(0, .none, [1, 2], 9)]))
        #expect(completed.map(\.outcome) == [.refused(.invalidUpdateVersion)])
    }

    /// A stale partition epoch (the controller already applied an earlier attempt, or another change won) is not
    /// sent again at that epoch: the leader waits for the metadata log to bring the current state.
    @Test func aRefusedPartitionEpoch_isAnsweredAtOnce_untilTheLogBringsANewerOne() throws {
        var queue = IsrChangeQueue<Int>()
        _ = queue.submit(Self.update("t", 0, isr: [1, 2, 3], epoch: 5), token: 1)
        _ = try #require(Self.next(&queue, brokerID: 1, brokerEpoch: 42, topicIDs: [:]))
        _ = queue.answered(Self.answer("t", [(0, .invalidUpdateVersion, [], 0)]))
        #expect(Self.submit(&queue, Self.update("t", 0, isr: [1, 2, 3], epoch: 5), token: 2) == .refused(.invalidUpdateVersion))
        #expect(Self.next(&queue, brokerID: 1, brokerEpoch: 42, topicIDs: [:]) == nil)
        #expect(Self.submit(&queue, Self.update("t", 0, isr: [1, 2, 3], epoch: 6), token: 3) == nil)
        #expect(Self.next(&queue, brokerID: 1, brokerEpoch: 42, topicIDs: [:])?.topics.first?.partitions.first?.partitionEpoch == 6)
    }

    @Test func topicIDs_fillTheRequest() throws {
        var queue = IsrChangeQueue<Int>()
        _ = queue.submit(Self.update("t", 0, isr: [1]), token: 1)
        let id = KafkaUUID(mostSignificantBits: 1, leastSignificantBits: 2)
        #expect(Self.next(&queue, brokerID: 1, brokerEpoch: 1, topicIDs: ["t": id])?.topics.first?.topicId == id)
    }

    @Test func drain_dropsEverything() {
        var queue = IsrChangeQueue<Int>()
        _ = queue.submit(Self.update("t", 0, isr: [1]), token: 1)
        _ = queue.submit(Self.update("t", 1, isr: [1]), token: 2)
        let drained = queue.drain()
        #expect(Set(drained) == [1, 2])
        #expect(queue.pending.isEmpty)
    }

    // MARK: - AlterIsr (ZooKeeper mode, inter.broker.protocol.version >= 2.7-IV2)

    static func nextAlterIsr(_ queue: inout IsrChangeQueue<Int>, brokerEpoch: Int64) -> AlterIsrRequest? {
        queue.nextAlterIsrRequest(brokerID: 1, brokerEpoch: brokerEpoch)
    }

    @Test func alterIsrRequest_carriesEveryPendingChange_withItsZkVersion() throws {
        var queue = IsrChangeQueue<Int>()
        _ = queue.submit(Self.update("u", 1, isr: [1, 3], epoch: 7, leaderEpoch: 4), token: 1)
        _ = queue.submit(Self.update("t", 2, isr: [1, 2, 3], epoch: 5), token: 2)
        _ = queue.submit(Self.update("t", 0, isr: [1], epoch: 9), token: 3)
        let request = try #require(Self.nextAlterIsr(&queue, brokerEpoch: 77))
        #expect(request.brokerId == 1 && request.brokerEpoch == 77)
        #expect(request.topics.map(\.name) == ["t", "u"])
        #expect(request.topics[0].partitions.map(\.partitionIndex) == [0, 2])
        #expect(request.topics[0].partitions.map(\.currentIsrVersion) == [9, 5])
        #expect(request.topics[1].partitions.first == .init(partitionIndex: 1, leaderEpoch: 4, newIsr: [1, 3], currentIsrVersion: 7))
        // One request in flight.
        #expect(Self.nextAlterIsr(&queue, brokerEpoch: 77) == nil)
        // The request round-trips through AlterIsr v0's encoding (flexible, as in Kafka 2.8).
        var buffer = ByteBuffer()
        request.encode(into: &buffer, version: 0)
        #expect(try AlterIsrRequest(from: &buffer, version: 0) == request)
    }

    @Test func alterIsrResponse_appliesTheNewZkVersion_andRefusesStaleOnes() throws {
        var queue = IsrChangeQueue<Int>()
        _ = queue.submit(Self.update("t", 0, isr: [1, 2, 3], epoch: 5), token: 10)
        _ = queue.submit(Self.update("t", 1, isr: [1, 2], epoch: 3), token: 11)
        _ = queue.submit(Self.update("t", 2, isr: [1], epoch: 3), token: 12)
        _ = queue.submit(Self.update("t", 3, isr: [1], epoch: 3), token: 13)
        _ = try #require(Self.nextAlterIsr(&queue, brokerEpoch: 77))
        let response = AlterIsrResponse(topics: [.init(name: "t", partitions: [
            .init(partitionIndex: 0, errorCode: 0, leaderId: 1, leaderEpoch: 2, isr: [1, 2, 3], currentIsrVersion: 6),
            .init(partitionIndex: 1, errorCode: KafkaErrorCode.invalidUpdateVersion.rawValue),
            .init(partitionIndex: 2, errorCode: KafkaErrorCode.fencedLeaderEpoch.rawValue),
            .init(partitionIndex: 3, errorCode: KafkaErrorCode.unknownTopicOrPartition.rawValue),
        ])])
        let outcomes = Dictionary(uniqueKeysWithValues: queue.answered(response).map { ($0.token, $0.outcome) })
        #expect(outcomes == [
            10: .accepted(partitionEpoch: 6), 11: .refused(.invalidUpdateVersion), 12: .refused(.fencedLeaderEpoch),
            13: .refused(.unknownTopicOrPartition),
        ])
        #expect(queue.pending.isEmpty)
        // Kafka waits for the controller's LeaderAndIsr after INVALID_UPDATE_VERSION: the same zkVersion is not resent.
        #expect(queue.submit(Self.update("t", 1, isr: [1, 2], epoch: 3), token: 14) == .refused(.invalidUpdateVersion))
    }

    @Test func alterIsrTopLevelError_keepsTheBatch() throws {
        var queue = IsrChangeQueue<Int>()
        _ = queue.submit(Self.update("t", 0, isr: [1, 2]), token: 1)
        _ = try #require(Self.nextAlterIsr(&queue, brokerEpoch: 1))
        queue.requestFailed()  // NOT_CONTROLLER or STALE_BROKER_EPOCH: Kafka retries the whole batch
        #expect(Self.nextAlterIsr(&queue, brokerEpoch: 2)?.topics.first?.partitions.count == 1)
    }
}
