import KafkaModel
import KafkaProtocol

/// One consumer group as its coordinator holds it (Kafka 2.8 `GroupMetadata`, with the per-group
/// rules of `GroupCoordinator`): a value type with one mutating method per input — JoinGroup,
/// SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, the store of its metadata completing, the clock
/// ticking — each returning the actions its shell performs (answer a parked request, append a
/// record). It never reads a clock or touches I/O: every input carries `nowMs`.
public struct ConsumerGroup: Sendable {
    /// What the group waits for before it completes the join phase (Kafka's DelayedJoin and
    /// InitialDelayedJoin in the join purgatory).
    enum JoinWait: Sendable, Hashable {
        /// `group.initial.rebalance.delay.ms` for a group that was empty: never completes early;
        /// when it ends with new members added, it waits again (up to the rebalance timeout).
        case initialDelay(deadlineMs: Int64, delayMs: Int64, remainingMs: Int64)
        /// Completes as soon as every member has rejoined, or at the rebalance timeout.
        case rebalance(deadlineMs: Int64)
    }

    public let groupId: String
    public let config: GroupCoordinatorConfig
    public internal(set) var state: GroupState = .empty
    /// When the group entered `state` (Kafka's `currentStateTimestamp`), for offset expiry.
    public internal(set) var stateTimestampMs: Int64
    public internal(set) var generationId: Int32 = 0
    public internal(set) var protocolType: String?
    public internal(set) var protocolName: String?
    public internal(set) var leaderId: String?
    /// Members by id, plus the insertion order Kafka's LinkedHashMap keeps (the next leader after
    /// the current one leaves is the oldest member).
    public internal(set) var members: [String: GroupMember] = [:]
    var memberOrder: [String] = []
    /// `group.instance.id` → member id of static members.
    public internal(set) var staticMembers: [String: String] = [:]
    /// Member ids handed out with MEMBER_ID_REQUIRED, not yet joined, with their expiry.
    public internal(set) var pendingMembers: [String: Int64] = [:]
    var newMemberAdded = false
    var joinWait: JoinWait?
    /// The leader's assignment while its store is under way.
    var pendingAssignment: PendingAssignment?
    /// Committed offsets (Kafka's `offsets`).
    public internal(set) var offsets: [TopicPartition: OffsetAndMetadata] = [:]

    public init(groupId: String, config: GroupCoordinatorConfig, nowMs: Int64) {
        self.groupId = groupId
        self.config = config
        self.stateTimestampMs = nowMs
    }

    // MARK: - Queries

    public var isEmpty: Bool { members.isEmpty }
    public var allMembers: [GroupMember] { memberOrder.compactMap { members[$0] } }
    var rebalanceTimeoutMs: Int64 { Int64(members.values.map(\.rebalanceTimeoutMs).max() ?? 0) }
    var numAwaitingJoin: Int { members.values.filter(\.isAwaitingJoin).count }
    /// Kafka's `hasAllMembersJoined`.
    var hasAllMembersJoined: Bool { members.count == numAwaitingJoin && pendingMembers.isEmpty }
    var canRebalance: Bool { GroupState.preparingRebalance.validPreviousStates.contains(state) }

    /// Kafka's `isStaticMemberFenced`: a known `group.instance.id` under another member id.
    func isStaticMemberFenced(memberId: String, groupInstanceId: String?) -> Bool {
        guard let groupInstanceId, let current = staticMembers[groupInstanceId] else { return false }
        return current != memberId
    }

    /// Kafka's `supportsProtocols`: a member may join if its protocol type matches and it shares
    /// a protocol with every current member.
    func supportsProtocols(type: String, names: [String]) -> Bool {
        if isEmpty { return !type.isEmpty && !names.isEmpty }
        guard protocolType == type else { return false }
        return names.contains { name in members.values.allSatisfy { $0.protocols.contains { $0.name == name } } }
    }

    /// Kafka's `selectProtocol`: among the protocols every member supports, each member votes for
    /// the one it prefers most; the most votes win (ties: the leader's preference order).
    func selectProtocol() -> String? {
        let all = allMembers
        guard let first = all.first else { return nil }
        let candidates = first.protocols.map(\.name).filter { name in all.allSatisfy { $0.protocols.contains { $0.name == name } } }
        var votes: [String: Int] = [:]
        for member in all {
            if let vote = member.protocols.first(where: { candidates.contains($0.name) }) { votes[vote.name, default: 0] += 1 }
        }
        let preference = (leaderId.flatMap { members[$0] } ?? first).protocols.map(\.name)
        return candidates.max { lhs, rhs in
            let (l, r) = (votes[lhs, default: 0], votes[rhs, default: 0])
            if l != r { return l < r }
            return (preference.firstIndex(of: lhs) ?? .max) > (preference.firstIndex(of: rhs) ?? .max)
        }
    }

    /// The topics the members subscribe to, when the group uses the consumer protocol (Kafka's
    /// `subscribedTopics`), or nil when they cannot be read.
    public var subscribedTopics: Set<String>? {
        guard protocolType == "consumer", let protocolName else { return nil }
        var topics: Set<String> = []
        for member in members.values {
            guard let bytes = member.metadata(for: protocolName),
                let subscription = try? ConsumerProtocolSubscription.decodeVersioned(bytes)
            else { return nil }
            topics.formUnion(subscription.topics)
        }
        return topics
    }

    // MARK: - Transitions

    mutating func transition(to next: GroupState, nowMs: Int64) {
        precondition(
            next.validPreviousStates.contains(state),
            "Group \(groupId) should be in one of \(next.validPreviousStates) before moving to \(next), not \(state)")
        state = next
        stateTimestampMs = nowMs
    }

    mutating func add(_ member: GroupMember) {
        if members.isEmpty { protocolType = member.protocolType }
        if leaderId == nil { leaderId = member.memberId }
        if members[member.memberId] == nil { memberOrder.append(member.memberId) }
        members[member.memberId] = member
    }

    mutating func remove(_ memberId: String) {
        guard members.removeValue(forKey: memberId) != nil else { return }
        memberOrder.removeAll { $0 == memberId }
        if leaderId == memberId { leaderId = memberOrder.first }
    }

    /// The record of the group as it is now, assignments included (Kafka's `groupMetadataValue`).
    public func storedValue(assignments: [String: [UInt8]]? = nil) -> GroupMetadataValue {
        GroupMetadataValue(
            groupId: groupId, protocolType: protocolType ?? "", generation: generationId, protocolName: protocolName,
            leader: leaderId, currentStateTimestampMs: stateTimestampMs,
            members: allMembers.map { member in
                .init(
                    memberId: member.memberId, groupInstanceId: member.groupInstanceId, clientId: member.clientId,
                    clientHost: member.clientHost, rebalanceTimeoutMs: member.rebalanceTimeoutMs,
                    sessionTimeoutMs: member.sessionTimeoutMs,
                    subscription: protocolName.flatMap { member.metadata(for: $0) } ?? [],
                    assignment: assignments?[member.memberId] ?? member.assignment)
            })
    }

    /// A group as a new coordinator loads it (Kafka's `GroupMetadata.loadGroup`): Stable with its
    /// members and assignments, or Empty; each member must heartbeat within its session timeout.
    public static func loaded(
        from value: GroupMetadataValue, offsets: [TopicPartition: OffsetAndMetadata], config: GroupCoordinatorConfig, nowMs: Int64
    ) -> ConsumerGroup {
        var group = ConsumerGroup(groupId: value.groupId, config: config, nowMs: value.currentStateTimestampMs >= 0 ? value.currentStateTimestampMs : nowMs)
        group.generationId = value.generation
        group.protocolType = value.protocolType.isEmpty ? nil : value.protocolType
        group.protocolName = value.protocolName
        group.offsets = offsets
        for stored in value.members {
            var member = GroupMember(
                memberId: stored.memberId, groupInstanceId: stored.groupInstanceId, clientId: stored.clientId,
                clientHost: stored.clientHost, rebalanceTimeoutMs: stored.rebalanceTimeoutMs,
                sessionTimeoutMs: stored.sessionTimeoutMs, protocolType: value.protocolType,
                protocols: [.init(name: value.protocolName ?? "", metadata: stored.subscription)])
            member.assignment = stored.assignment
            member.heartbeatDeadlineMs = nowMs + Int64(stored.sessionTimeoutMs)
            group.add(member)
            if let instance = stored.groupInstanceId { group.staticMembers[instance] = stored.memberId }
        }
        group.leaderId = value.leader ?? group.memberOrder.first
        group.state = group.members.isEmpty ? .empty : .stable
        return group
    }

    /// A group with only offsets (no group record in the log: offsets committed outside group management).
    public static func offsetsOnly(
        groupId: String, offsets: [TopicPartition: OffsetAndMetadata], config: GroupCoordinatorConfig, nowMs: Int64
    ) -> ConsumerGroup {
        var group = ConsumerGroup(groupId: groupId, config: config, nowMs: nowMs)
        group.offsets = offsets
        return group
    }
}
