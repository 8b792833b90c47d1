import Foundation
import KafkaClient
import KafkaConsoleTools
import KafkaProtocol

/// The group-level requests of `zkafka consumer-groups` (Kafka's admin client
/// `describeConsumerGroups`, `listConsumerGroupOffsets`, `alterConsumerGroupOffsets`,
/// `deleteConsumerGroups`, `deleteConsumerGroupOffsets`), each sent to the group's coordinator.
extension ConsumerGroupsAdmin {
    struct Coordinator: Sendable {
        var address: Address
        var nodeId: Int32
    }

    /// FindCoordinator (v1) at a bootstrap server, retried while the coordinator is not yet available.
    func findCoordinator(_ group: String) async throws -> Coordinator {
        try await withBootstrap { connection in
            for attempt in 0..<20 {
                let response = try await send(FindCoordinatorRequest(key: group, keyType: 0), version: 1, on: connection)
                if response.errorCode == 0 { return Coordinator(address: (response.host, Int(response.port)), nodeId: response.nodeId) }
                let error = KafkaErrorCode(rawValue: response.errorCode)
                guard error == .coordinatorNotAvailable || error == .coordinatorLoadInProgress, attempt < 19 else {
                    throw TopicsCommandError(message: "Could not find the coordinator of group '\(group)': \(error.kafkaName)")
                }
                try await Task.sleep(for: .milliseconds(500))
            }
            throw TopicsCommandError(message: "Could not find the coordinator of group '\(group)'")
        }
    }

    /// Runs `body` on a connection to the group's coordinator.
    func withCoordinator<T: Sendable>(_ group: String, _ body: (KafkaConnection, Coordinator) async throws -> T) async throws -> T {
        let coordinator = try await findCoordinator(group)
        let connection = try await connect(coordinator.address)
        defer { Task { await connection.close() } }
        return try await body(connection, coordinator)
    }

    /// DescribeGroups (v1) of one group at its coordinator, and the coordinator.
    func describeGroup(_ group: String) async throws -> (DescribeGroupsResponse.DescribedGroup, Coordinator) {
        try await withCoordinator(group) { connection, coordinator in
            let described = try await send(DescribeGroupsRequest(groups: [group]), version: 1, on: connection)
            guard let summary = described.groups.first else {
                throw TopicsCommandError(message: "The coordinator answered DescribeGroups without group '\(group)'")
            }
            guard summary.errorCode == 0 else {
                throw TopicsCommandError(message: "Could not describe group '\(group)': \(KafkaErrorCode(rawValue: summary.errorCode).kafkaName)")
            }
            return (summary, coordinator)
        }
    }

    /// Every committed offset of the group (OffsetFetch v2, all topics).
    func committedOffsets(_ group: String) async throws -> [TopicPartitionKey: Int64] {
        try await withCoordinator(group) { connection, _ in
            let fetched = try await send(OffsetFetchRequest(groupId: group, topics: nil), version: 2, on: connection)
            guard fetched.errorCode == 0 else {
                throw TopicsCommandError(message: "Could not fetch the offsets of group '\(group)': \(KafkaErrorCode(rawValue: fetched.errorCode).kafkaName)")
            }
            var offsets: [TopicPartitionKey: Int64] = [:]
            for topic in fetched.topics {
                for partition in topic.partitions where partition.errorCode == 0 && partition.committedOffset >= 0 {
                    offsets[.init(topic: topic.name, partition: partition.partitionIndex)] = partition.committedOffset
                }
            }
            return offsets
        }
    }

    /// The partitions of each existing topic (Metadata v1); unknown topics are absent.
    func partitions(of topics: Set<String>) async throws -> [String: [TopicPartitionKey]] {
        guard !topics.isEmpty else { return [:] }
        let metadata = try await withBootstrap { connection in
            try await send(
                MetadataRequest(topics: topics.sorted().map { .init(name: $0) }, allowAutoTopicCreation: false), version: 1, on: connection)
        }
        var result: [String: [TopicPartitionKey]] = [:]
        for topic in metadata.topics where topic.errorCode == 0 {
            result[topic.name] = topic.partitions.map { TopicPartitionKey(topic: topic.name, partition: $0.partitionIndex) }
                .sorted { $0.partition < $1.partition }
        }
        return result
    }

    /// Kafka's `alterConsumerGroupOffsets`: OffsetCommit (v2) with generation -1 and no member, which
    /// the coordinator accepts only while the group has no members. Throws on any partition error.
    func commitOffsets(_ group: String, _ offsets: [TopicPartitionKey: Int64]) async throws {
        try await withCoordinator(group) { connection, _ in
            let request = OffsetCommitRequest(
                groupId: group, generationId: -1, memberId: "",
                topics: Dictionary(grouping: offsets, by: \.key.topic).sorted { $0.key < $1.key }.map { topic, entries in
                    .init(name: topic, partitions: entries.map { .init(partitionIndex: $0.key.partition, committedOffset: $0.value) })
                })
            let response = try await send(request, version: 2, on: connection)
            for topic in response.topics {
                for partition in topic.partitions where partition.errorCode != 0 {
                    throw TopicsCommandError(
                        message: "Could not commit the offset of \(topic.name)-\(partition.partitionIndex) for group '\(group)': "
                            + KafkaErrorCode(rawValue: partition.errorCode).kafkaName)
                }
            }
        }
    }

    /// DeleteGroups (v0) of each group at its own coordinator: the error code per group.
    func deleteGroups(_ groups: [String]) async throws -> [(group: String, error: KafkaErrorCode)] {
        var results: [(group: String, error: KafkaErrorCode)] = []
        for group in groups {
            let code = try await withCoordinator(group) { connection, _ in
                let response = try await send(DeleteGroupsRequest(groupsNames: [group]), version: 0, on: connection)
                return KafkaErrorCode(rawValue: response.results.first { $0.groupId == group }?.errorCode ?? KafkaErrorCode.unknownServerError.rawValue)
            }
            results.append((group, code))
        }
        return results
    }

    /// OffsetDelete (v0) of the partitions at the group's coordinator: the top-level error and each
    /// partition's.
    func deleteOffsets(_ group: String, _ partitions: [TopicPartitionKey]) async throws -> (KafkaErrorCode, [TopicPartitionKey: KafkaErrorCode]) {
        try await withCoordinator(group) { connection, _ in
            let request = OffsetDeleteRequest(
                groupId: group,
                topics: Dictionary(grouping: partitions, by: \.topic).sorted { $0.key < $1.key }.map { topic, keys in
                    .init(name: topic, partitions: keys.map { .init(partitionIndex: $0.partition) })
                })
            let response = try await send(request, version: 0, on: connection)
            var byPartition: [TopicPartitionKey: KafkaErrorCode] = [:]
            for topic in response.topics {
                for partition in topic.partitions {
                    byPartition[.init(topic: topic.name, partition: partition.partitionIndex)] = KafkaErrorCode(rawValue: partition.errorCode)
                }
            }
            return (KafkaErrorCode(rawValue: response.errorCode), byPartition)
        }
    }
}
