import Foundation
import KafkaClient
import KafkaProtocol

/// What `zkafka bench groups` watches, as an admin client would: which broker coordinates the group
/// (FindCoordinator), the group's state and who owns which partition (DescribeGroups), and its
/// committed offsets (OffsetFetch) — each request on a fresh connection, so a killed broker only
/// fails the requests sent to it.
struct GroupProbe: Sendable {
    struct Address: Sendable, Hashable {
        var id: Int32
        var host: String
        var port: Int
    }

    struct Snapshot: Sendable {
        var state: String
        var members: Int
        /// partition → owners (of the watched topic).
        var owners: [Int32: Int]

        /// Stable, `members` members, every one of `partitions` owned by exactly one member.
        func isBalanced(members expected: Int, partitions: Int) -> Bool {
            state == "Stable" && members == expected && owners.count == partitions && owners.values.allSatisfy { $0 == 1 }
        }
    }

    var brokers: [Address]
    var topic: String

    func withConnection<T: Sendable>(_ address: Address, _ body: (KafkaConnection) async throws -> T) async throws -> T {
        let connection = try await KafkaConnection.connect(host: address.host, port: address.port, clientID: "zkafka-bench-groups", timeout: .seconds(2))
        defer { Task { await connection.close() } }
        return try await body(connection)
    }

    /// The coordinator as the first answering broker (not in `excluding`) names it, if one is available.
    func coordinator(_ group: String, excluding: Set<Int32> = []) async -> Address? {
        for broker in brokers where !excluding.contains(broker.id) {
            guard let response = try? await withConnection(broker, { connection in
                try await connection.send(FindCoordinatorRequest(key: group, keyType: 0), version: 1, timeout: .seconds(3))
            }) else { continue }
            guard response.errorCode == 0 else { return nil }
            return Address(id: response.nodeId, host: response.host, port: Int(response.port))
        }
        return nil
    }

    func snapshot(_ group: String, at coordinator: Address) async -> Snapshot? {
        guard let response = try? await withConnection(coordinator, { connection in
            try await connection.send(DescribeGroupsRequest(groups: [group]), version: 1, timeout: .seconds(3))
        }), let described = response.groups.first, described.errorCode == 0 else { return nil }
        var owners: [Int32: Int] = [:]
        for member in described.members {
            guard let assignment = try? ConsumerProtocolAssignment.decodeVersioned(member.memberAssignment) else { continue }
            for owned in assignment.assignedPartitions where owned.topic == topic {
                for partition in owned.partitions { owners[partition, default: 0] += 1 }
            }
        }
        return Snapshot(state: described.groupState, members: described.members.count, owners: owners)
    }

    /// The group's committed offsets of the topic, nil while the coordinator cannot answer (loading, moved).
    func committed(_ group: String, at coordinator: Address) async -> [Int32: Int64]? {
        guard let response = try? await withConnection(coordinator, { connection in
            try await connection.send(OffsetFetchRequest(groupId: group, topics: nil), version: 2, timeout: .seconds(3))
        }), response.errorCode == 0 else { return nil }
        var offsets: [Int32: Int64] = [:]
        for topic in response.topics where topic.name == self.topic {
            for partition in topic.partitions where partition.errorCode == 0 && partition.committedOffset >= 0 {
                offsets[partition.partitionIndex] = partition.committedOffset
            }
        }
        return offsets
    }

    /// Polls `condition` every 50 ms until it holds (returning the elapsed time) or `timeout` passes (nil).
    static func waitUntil(timeout: Duration, _ condition: () async -> Bool) async -> Duration? {
        let started = ContinuousClock.now
        while ContinuousClock.now - started < timeout {
            if await condition() { return ContinuousClock.now - started }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }
}
