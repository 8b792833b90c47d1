import Foundation
import KafkaClient
import KafkaConsoleTools
import KafkaProtocol

/// The admin-client side of `zkafka consumer-groups`: ListGroups from every broker, and for one
/// group its coordinator (FindCoordinator), its members and assignments (DescribeGroups), its
/// committed offsets (OffsetFetch) and the partitions' log end offsets (ListOffsets at each leader).
struct ConsumerGroupsAdmin: Sendable {
    typealias Address = TopicsAdmin.Address
    let bootstrap: [Address]
    let requestTimeout: Duration = .seconds(30)

    func connect(_ address: Address) async throws -> KafkaConnection {
        do {
            return try await KafkaConnection.connect(host: address.host, port: address.port, clientID: "zkafka-consumer-groups", timeout: .seconds(10))
        } catch {
            throw TopicsCommandError(message: "Could not connect to \(address.host):\(address.port): \(error)")
        }
    }

    /// Runs `body` on a connection to the first bootstrap server that accepts, then closes it.
    func withBootstrap<T: Sendable>(_ body: (KafkaConnection) async throws -> T) async throws -> T {
        var failures: [String] = []
        for address in bootstrap {
            guard let connection = try? await connect(address) else {
                failures.append("\(address.host):\(address.port)")
                continue
            }
            defer { Task { await connection.close() } }
            return try await body(connection)
        }
        throw TopicsCommandError(message: "Could not connect to any bootstrap server: \(failures.joined(separator: ", "))")
    }

    func send<Request: KafkaRequest>(_ request: Request, version: Int16, on connection: KafkaConnection) async throws -> Request.Response {
        let timeout = requestTimeout
        return try await withThrowingTaskGroup(of: Request.Response?.self) { group in
            group.addTask { try await connection.send(request, version: version) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let response = first else {
                throw TopicsCommandError(message: "No response from \(connection.host):\(connection.port) within \(timeout)")
            }
            return response
        }
    }

    /// Every group of every broker (each coordinator lists only its own groups).
    func listGroups() async throws -> [String] {
        let brokers = try await withBootstrap { connection in
            try await send(MetadataRequest(topics: [], allowAutoTopicCreation: false), version: 1, on: connection).brokers
        }
        var groups: Set<String> = []
        for broker in brokers {
            let connection = try await connect((broker.host, Int(broker.port)))
            defer { Task { await connection.close() } }
            let response = try await send(ListGroupsRequest(), version: 2, on: connection)
            guard response.errorCode == 0 else {
                throw TopicsCommandError(message: "Broker \(broker.nodeId) answered ListGroups with error \(KafkaErrorCode(rawValue: response.errorCode).kafkaName)")
            }
            groups.formUnion(response.groups.map(\.groupId))
        }
        return groups.sorted()
    }

    struct Description: Sendable {
        var state: String
        var table: ConsumerGroupTable
        var hasActiveMembers: Bool
    }

    /// The group as `kafka-consumer-groups.sh --describe` shows it, or nil if it does not exist.
    func describe(group: String) async throws -> Description? {
        let coordinatorAddress: Address = try await withBootstrap { connection in
            for attempt in 0..<20 {
                let response = try await send(FindCoordinatorRequest(key: group, keyType: 0), version: 1, on: connection)
                if response.errorCode == 0 { return (response.host, Int(response.port)) }
                let error = KafkaErrorCode(rawValue: response.errorCode)
                guard error == .coordinatorNotAvailable || error == .coordinatorLoadInProgress, attempt < 19 else {
                    throw TopicsCommandError(message: "Could not find the coordinator of group '\(group)': \(error.kafkaName)")
                }
                try await Task.sleep(for: .milliseconds(500))
            }
            throw TopicsCommandError(message: "Could not find the coordinator of group '\(group)'")
        }
        let coordinator = try await connect(coordinatorAddress)
        defer { Task { await coordinator.close() } }
        let described = try await send(DescribeGroupsRequest(groups: [group]), version: 1, on: coordinator)
        guard let summary = described.groups.first else { return nil }
        guard summary.errorCode == 0 else {
            throw TopicsCommandError(message: "Could not describe group '\(group)': \(KafkaErrorCode(rawValue: summary.errorCode).kafkaName)")
        }
        let fetched = try await send(OffsetFetchRequest(groupId: group, topics: nil), version: 2, on: coordinator)
        guard fetched.errorCode == 0 else {
            throw TopicsCommandError(message: "Could not fetch the offsets of group '\(group)': \(KafkaErrorCode(rawValue: fetched.errorCode).kafkaName)")
        }
        if summary.groupState == "Dead" && fetched.topics.isEmpty { return nil }

        var rows: [String: ConsumerGroupTable.Row] = [:]
        func key(_ topic: String, _ partition: Int32) -> String { "\(topic)\u{0}\(partition)" }
        for member in summary.members {
            guard let assignment = try? ConsumerProtocolAssignment.decodeVersioned(member.memberAssignment) else { continue }
            for topic in assignment.assignedPartitions {
                for partition in topic.partitions {
                    rows[key(topic.topic, partition)] = .init(
                        topic: topic.topic, partition: partition, currentOffset: nil, logEndOffset: nil, consumerId: member.memberId,
                        host: member.clientHost, clientId: member.clientId)
                }
            }
        }
        for topic in fetched.topics {
            for partition in topic.partitions where partition.committedOffset >= 0 || rows[key(topic.name, partition.partitionIndex)] != nil {
                var row = rows[key(topic.name, partition.partitionIndex)] ?? .init(
                    topic: topic.name, partition: partition.partitionIndex, currentOffset: nil, logEndOffset: nil, consumerId: nil,
                    host: nil, clientId: nil)
                row.currentOffset = partition.committedOffset >= 0 ? partition.committedOffset : nil
                rows[key(topic.name, partition.partitionIndex)] = row
            }
        }
        let ends = try await logEndOffsets(Set(rows.values.map(\.topic)))
        for (name, row) in rows { rows[name]?.logEndOffset = ends[key(row.topic, row.partition)] }
        return Description(
            state: summary.groupState, table: ConsumerGroupTable(group: group, rows: Array(rows.values)),
            hasActiveMembers: !summary.members.isEmpty)
    }

    /// The log end offsets (ListOffsets latest at each partition's leader), keyed like `describe`'s rows.
    private func logEndOffsets(_ topics: Set<String>) async throws -> [String: Int64] {
        guard !topics.isEmpty else { return [:] }
        let metadata = try await withBootstrap { connection in
            try await send(
                MetadataRequest(topics: topics.sorted().map { .init(name: $0) }, allowAutoTopicCreation: false), version: 1, on: connection)
        }
        var byLeader: [Int32: [(String, Int32)]] = [:]
        for topic in metadata.topics {
            for partition in topic.partitions where partition.leaderId >= 0 {
                byLeader[partition.leaderId, default: []].append((topic.name, partition.partitionIndex))
            }
        }
        var ends: [String: Int64] = [:]
        for (leader, partitions) in byLeader {
            guard let broker = metadata.brokers.first(where: { $0.nodeId == leader }) else { continue }
            let connection = try await connect((broker.host, Int(broker.port)))
            defer { Task { await connection.close() } }
            let grouped = Dictionary(grouping: partitions, by: \.0)
            let request = ListOffsetsRequest(
                replicaId: -1,
                topics: grouped.map { topic, entries in
                    .init(name: topic, partitions: entries.map { .init(partitionIndex: $0.1, timestamp: -1) })
                })
            let response = try await send(request, version: 1, on: connection)
            for topic in response.topics {
                for partition in topic.partitions where partition.errorCode == 0 {
                    ends["\(topic.name)\u{0}\(partition.partitionIndex)"] = partition.offset
                }
            }
        }
        return ends
    }
}
