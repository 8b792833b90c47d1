import KafkaGroupCoordinator
import KafkaProtocol

/// Builders shared by the group state machine tests.
enum GroupTestSupport {
    static let config = GroupCoordinatorConfig(initialRebalanceDelayMs: 3_000)

    static func joinInput(
        memberId: String = "", instance: String? = nil, requireKnown: Bool = false, client: String = "c",
        session: Int32 = 10_000, rebalance: Int32 = 30_000, protocols: [String] = ["range"], suffix: String = "1"
    ) -> JoinGroupInput {
        JoinGroupInput(
            memberId: memberId, groupInstanceId: instance, requireKnownMemberId: requireKnown, clientId: client,
            clientHost: "/127.0.0.1", rebalanceTimeoutMs: rebalance, sessionTimeoutMs: session, protocolType: "consumer",
            protocols: protocols.map { .init(name: $0, metadata: Array($0.utf8)) }, newMemberIdSuffix: suffix)
    }

    /// The JoinGroup answers among `actions`, by token.
    static func joins(_ actions: [GroupAction]) -> [UInt64: JoinGroupOutcome] {
        var result: [UInt64: JoinGroupOutcome] = [:]
        for case .completeJoin(let token, let outcome) in actions { result[token] = outcome }
        return result
    }

    static func syncs(_ actions: [GroupAction]) -> [UInt64: SyncGroupOutcome] {
        var result: [UInt64: SyncGroupOutcome] = [:]
        for case .completeSync(let token, let outcome) in actions { result[token] = outcome }
        return result
    }

    static func stores(_ actions: [GroupAction]) -> [(GroupMetadataValue, Bool)] {
        actions.compactMap { if case .storeGroup(let value, let awaits) = $0 { (value, awaits) } else { nil } }
    }

    /// A Stable group of `count` members (ids c-1, c-2, …) at generation 1, Stable from time 6000:
    /// members joining during the initial delay extend it once (0 → 3000 → 6000).
    static func stableGroup(count: Int) -> (ConsumerGroup, [String]) {
        var group = ConsumerGroup(groupId: "g", config: config, nowMs: 0)
        for index in 1...count {
            _ = group.join(joinInput(suffix: "\(index)"), token: UInt64(index), nowMs: 0)
        }
        var answers = joins(group.tick(nowMs: 3_000))
        answers.merge(joins(group.tick(nowMs: 6_000))) { first, _ in first }
        let ids = (1...count).map { answers[UInt64($0)]!.memberId }
        let leader = answers[1]!.leaderId
        _ = group.sync(SyncGroupInput(generationId: 1, memberId: leader, assignments: Dictionary(uniqueKeysWithValues: ids.map { ($0, Array($0.utf8)) })), token: 100, nowMs: 6_000)
        _ = group.groupStored(generation: 1, error: .none, nowMs: 6_000)
        return (group, ids)
    }
}
