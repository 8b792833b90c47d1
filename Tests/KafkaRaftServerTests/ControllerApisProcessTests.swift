import Foundation
import KafkaModel
import KafkaProtocol
import KafkaQuorumController
import KafkaRaftProtocol
import KafkaTestKit
import Testing

/// One real controller process (a single-voter quorum) and every controller API over the wire: ApiVersions,
/// CreateTopics (validateOnly too), AlterPartition by name and by topic id, CreatePartitions, DeleteTopics,
/// UnregisterBroker; then a restart rebuilds the state from the snapshot and the log.
@Suite(.tags(.cluster), .serialized, .timeLimit(.minutes(2)))
struct ControllerApisProcessTests {
    @Test func singleController_servesEveryControllerApi_andKeepsItsStateAcrossARestart() async throws {
        let quorum = try ControllerQuorumProcesses(ids: [1], extraConfig: ["metadata.log.max.record.bytes.between.snapshots=400"])
        defer { quorum.stopAll() }
        try quorum.start(1)
        let client = ControllerClient(quorum: quorum)

        // ApiVersions lists the controller APIs.
        let versions = try await poll("ApiVersions from the active controller", timeout: .seconds(20), detail: quorum.logs) {
            await client.toActive(ApiVersionsRequest(), version: 3) { _ in false }?.response
        }
        let keys = Set(versions.apiKeys.map(\.apiKey))
        #expect(keys.isSuperset(of: [1, 18, 19, 20, 37, 55, 56, 62, 63, 64]))

        var epochs: [Int32: Int64] = [:]
        for broker: Int32 in [101, 102, 103] {
            let answer = try await poll("broker \(broker) answered by a controller", timeout: .seconds(20), detail: quorum.logs) {
                await client.register(broker, incarnation: KafkaUUID(mostSignificantBits: 3, leastSignificantBits: UInt64(broker)))
            }
            epochs[broker] = answer.response.brokerEpoch
        }
        for broker: Int32 in [101, 102, 103] {
            let beat = try await poll("a broker heartbeat answered", timeout: .seconds(10), detail: quorum.logs) {
                await client.heartbeat(broker, epoch: epochs[broker]!, metadataOffset: 1_000)
            }
            #expect(beat.response.errorCode == 0)
        }

        // CreateTopics v7: validateOnly adds nothing; the real request gets a topic id.
        let check = await client.toActive(
            CreateTopicsRequest(topics: [.init(name: "apis", numPartitions: 2, replicationFactor: 3)], timeoutMs: 5000, validateOnly: true),
            version: 7) { _ in false }
        #expect(check?.response.topics.map(\.errorCode) == [0])
        let created = try #require(await client.toActive(
            CreateTopicsRequest(topics: [.init(name: "apis", numPartitions: 2, replicationFactor: 3)], timeoutMs: 5000),
            version: 7) { _ in false }?.response.topics.first)
        #expect(created.errorCode == 0)
        #expect(created.topicId != .zero)
        let twice = await client.createTopic("apis", partitions: 2, replicationFactor: 3)
        #expect(twice?.topics.map(\.errorCode) == [KafkaErrorCode.topicAlreadyExists.rawValue])

        // AlterPartition v0 by name: the leader shrinks the ISR; a second request with the old partition epoch
        // is INVALID_UPDATE_VERSION (ZooKeeper mode's zkVersion conflict).
        let state = try await client.observedState(from: 1, observerID: 101).state
        let partition = try #require(state.topic(named: "apis")?.partitions[0])
        let follower = partition.isr.first { $0 != partition.leader }!
        let shrunk = partition.isr.filter { $0 != follower }
        func alter(_ version: Int16, epoch: Int32) async -> AlterPartitionResponse.PartitionData? {
            let request = AlterPartitionRequest(
                brokerId: partition.leader, brokerEpoch: epochs[partition.leader]!,
                topics: [.init(topicName: "apis", topicId: created.topicId, partitions: [
                    .init(partitionIndex: 0, leaderEpoch: partition.leaderEpoch, newIsr: shrunk, partitionEpoch: epoch)
                ])])
            return await client.toActive(request, version: version) { $0.errorCode == KafkaErrorCode.notController.rawValue }?
                .response.topics.first?.partitions.first
        }
        let accepted = try #require(await alter(0, epoch: partition.partitionEpoch))
        #expect(accepted.errorCode == 0)
        #expect(accepted.isr == shrunk)
        #expect(accepted.partitionEpoch == partition.partitionEpoch + 1)
        #expect(await alter(0, epoch: partition.partitionEpoch)?.errorCode == KafkaErrorCode.invalidUpdateVersion.rawValue)
        // v2 names the topic by id.
        #expect(await alter(2, epoch: partition.partitionEpoch + 1)?.errorCode == 0)

        // CreatePartitions grows the topic; shrinking is INVALID_PARTITIONS.
        let grown = await client.toActive(
            CreatePartitionsRequest(topics: [.init(name: "apis", count: 5, assignments: nil)], timeoutMs: 5000), version: 2) { _ in false }
        #expect(grown?.response.results.map(\.errorCode) == [0])
        let shrink = await client.toActive(
            CreatePartitionsRequest(topics: [.init(name: "apis", count: 1, assignments: nil)], timeoutMs: 5000), version: 2) { _ in false }
        #expect(shrink?.response.results.map(\.errorCode) == [KafkaErrorCode.invalidPartitions.rawValue])

        // DeleteTopics, then again: UNKNOWN_TOPIC_OR_PARTITION.
        _ = await client.createTopic("doomed", partitions: 1, replicationFactor: 1)
        let deleted = await client.toActive(DeleteTopicsRequest(topicNames: ["doomed"], timeoutMs: 5000), version: 4) { _ in false }
        #expect(deleted?.response.responses.map(\.errorCode) == [0])
        let again = await client.toActive(DeleteTopicsRequest(topicNames: ["doomed"], timeoutMs: 5000), version: 4) { _ in false }
        #expect(again?.response.responses.map(\.errorCode) == [KafkaErrorCode.unknownTopicOrPartition.rawValue])

        // UnregisterBroker, then again: BROKER_ID_NOT_REGISTERED.
        let unregistered = await client.toActive(UnregisterBrokerRequest(brokerId: 103)) { _ in false }
        #expect(unregistered?.response.errorCode == 0)
        let unknown = await client.toActive(UnregisterBrokerRequest(brokerId: 103)) { _ in false }
        #expect(unknown?.response.errorCode == KafkaErrorCode.brokerIDNotRegistered.rawValue)

        // A restart rebuilds the state from its snapshot and log (a snapshot exists by now: 400-byte threshold): the registrations and topics are still there.
        let before = try await client.observedState(from: 1, observerID: 101).state
        #expect(try await quorum.terminate(1) == .exited(0))
        try quorum.start(1)
        let beat = try await poll("a broker heartbeat answered", timeout: .seconds(20), detail: quorum.logs) { () async -> BrokerHeartbeatResponse? in
            guard let beat = await client.heartbeat(101, epoch: epochs[101]!, metadataOffset: 1_000), beat.response.errorCode == 0
            else { return nil }
            return beat.response
        }
        #expect(!beat.isFenced)
        let after = try await poll("the controller state after the change", timeout: .seconds(10), detail: quorum.logs) { () async -> QuorumControllerState? in
            guard let view = try? await client.observedState(from: 1, observerID: 101), view.state.topic(named: "apis") != nil
            else { return nil }
            return view.state
        }
        #expect(after.topics == before.topics)
        #expect(after.brokers.keys.sorted() == [101, 102])
        #expect(after.topic(named: "apis")?.partitions.count == 5)
        let files = try FileManager.default.contentsOfDirectory(atPath: quorum.dataPath(1) + "/__cluster_metadata-0")
        #expect(files.contains { $0.hasSuffix(".checkpoint") })
    }
}
