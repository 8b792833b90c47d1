import KafkaProtocol

/// The member side of a consumer group (Kafka's `ConsumerCoordinator` + `AbstractCoordinator`,
/// eager "range" protocol): the coordinator found with FindCoordinator, the member id and
/// generation from JoinGroup, the assignment from SyncGroup (computed here when this member leads),
/// heartbeats from a background task, and commits of the positions.
struct GroupMembership: Sendable {
    var groupID: String
    var topics: [String]
    var coordinator: BrokerAddress?
    var memberID = ""
    var generation: Int32 = -1
    var needsJoin = true
    /// A join is under way: heartbeats pause (the coordinator is waiting for this member to join).
    var joining = false
    var lastCommit = ContinuousClock.now
    var heartbeats: Task<Void, Never>?
}
