import Foundation
import KafkaProtocol

/// One line of `group-coordinator-trace.jsonl`: a group as its coordinator held it right after a
/// transition (state, generation, chosen protocol, leader, members and their assignments) — the
/// study side's view of Kafka's `GroupMetadata.transitionTo` and `initNextGeneration`. The shell
/// writes a record whenever one of these fields changes.
public struct GroupTraceRecord: Codable, Sendable, Hashable {
    public struct Member: Codable, Sendable, Hashable {
        public var memberId: String
        public var groupInstanceId: String?
        public var clientId: String
        public var host: String
        /// topic → partitions of the member's current assignment (consumer protocol), empty before SyncGroup.
        public var assignment: [String: [Int32]]

        public init(memberId: String, groupInstanceId: String?, clientId: String, host: String, assignment: [String: [Int32]]) {
            self.memberId = memberId
            self.groupInstanceId = groupInstanceId
            self.clientId = clientId
            self.host = host
            self.assignment = assignment
        }
    }

    /// Wall-clock milliseconds when the transition was observed.
    public var timeMs: Int64
    /// The coordinator's broker id.
    public var broker: Int32
    public var group: String
    /// Kafka's state name: Empty, PreparingRebalance, CompletingRebalance, Stable, Dead.
    public var state: String
    public var generation: Int32
    public var protocolName: String?
    public var leader: String?
    /// Members in join order.
    public var members: [Member]

    public init(
        timeMs: Int64, broker: Int32, group: String, state: String, generation: Int32, protocolName: String?, leader: String?,
        members: [Member]
    ) {
        self.timeMs = timeMs
        self.broker = broker
        self.group = group
        self.state = state
        self.generation = generation
        self.protocolName = protocolName
        self.leader = leader
        self.members = members
    }

    /// The group as the trace shows it.
    public static func snapshot(of group: ConsumerGroup, broker: Int32, timeMs: Int64) -> GroupTraceRecord {
        GroupTraceRecord(
            timeMs: timeMs, broker: broker, group: group.groupId, state: group.state.rawValue, generation: group.generationId,
            protocolName: group.protocolName, leader: group.leaderId,
            members: group.allMembers.map { member in
                var assignment: [String: [Int32]] = [:]
                if group.protocolType == "consumer", !member.assignment.isEmpty,
                    let decoded = try? ConsumerProtocolAssignment.decodeVersioned(member.assignment)
                {
                    for topic in decoded.assignedPartitions { assignment[topic.topic, default: []] += topic.partitions }
                }
                return Member(
                    memberId: member.memberId, groupInstanceId: member.groupInstanceId, clientId: member.clientId, host: member.clientHost,
                    assignment: assignment)
            })
    }

    /// Whether `other` shows the same group state (time aside).
    public func sameState(as other: GroupTraceRecord) -> Bool {
        var copy = other
        copy.timeMs = timeMs
        return copy == self
    }

    /// One JSON object, keys sorted.
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
