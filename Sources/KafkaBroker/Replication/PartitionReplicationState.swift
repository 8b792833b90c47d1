import KafkaModel

/// The leader's bookkeeping of one partition's replication, as a value: the ISR, each follower's
/// fetch state, and the rules that move the high watermark and the ISR (Kafka 2.8 `Partition`
/// and `Replica`). Pure: callers pass the clock and the leader's log end offset, and apply the
/// returned decisions (ZooKeeper writes, waking waiters) themselves.
public struct PartitionReplicationState: Sendable, Hashable {
    /// What the leader knows of one follower (Kafka's `Replica`).
    public struct FollowerState: Sendable, Hashable {
        /// The follower's log end offset: the offset of its last fetch, or -1 before its first.
        public var logEndOffset: Int64 = -1
        /// The last time the follower was known to be caught up with the leader.
        public var lastCaughtUpTimeMs: Int64
        /// The leader's log end offset and the time at the follower's previous fetch.
        public var lastFetchLeaderLogEndOffset: Int64 = -1
        public var lastFetchTimeMs: Int64 = 0
    }

    public let brokerID: BrokerID
    public var leader: BrokerID
    public var leaderEpoch: Int32
    public var isr: [BrokerID]
    public var replicas: [BrokerID]
    /// The version of `/brokers/topics/<t>/partitions/<p>/state` this ISR was read or written at.
    public var zkVersion: Int32
    /// The controller epoch that wrote the partition state (the leader writes ISR changes with it).
    public var controllerEpoch: Int32
    public var followers: [BrokerID: FollowerState]

    public var isLeader: Bool { leader == brokerID }

    /// Kafka's `Partition.makeLeader` / `makeFollower`: a fresh view of the followers. ISR members
    /// count as caught up now, others never were, so a lagging replica is not shrunk out at once
    /// nor admitted early.
    public init(
        brokerID: BrokerID, leader: BrokerID, leaderEpoch: Int32, isr: [BrokerID], replicas: [BrokerID],
        zkVersion: Int32, controllerEpoch: Int32, nowMs: Int64
    ) {
        self.brokerID = brokerID
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.isr = isr
        self.replicas = replicas
        self.zkVersion = zkVersion
        self.controllerEpoch = controllerEpoch
        var followers: [BrokerID: FollowerState] = [:]
        for replica in replicas where replica != brokerID {
            followers[replica] = FollowerState(lastCaughtUpTimeMs: isr.contains(replica) ? nowMs : 0)
        }
        self.followers = followers
    }

    /// Kafka 2.8 `Replica.updateFetchState`: a fetch at or past the leader's end offset means the
    /// follower is caught up now; a fetch at or past the leader's end offset of the previous fetch
    /// means it was caught up then.
    public mutating func recordFollowerFetch(replica: BrokerID, fetchOffset: Int64, leaderLogEndOffset: Int64, nowMs: Int64) {
        guard var state = followers[replica] else { return }
        if fetchOffset >= leaderLogEndOffset {
            state.lastCaughtUpTimeMs = max(state.lastCaughtUpTimeMs, nowMs)
        } else if fetchOffset >= state.lastFetchLeaderLogEndOffset {
            state.lastCaughtUpTimeMs = max(state.lastCaughtUpTimeMs, state.lastFetchTimeMs)
        }
        state.logEndOffset = fetchOffset
        state.lastFetchLeaderLogEndOffset = leaderLogEndOffset
        state.lastFetchTimeMs = nowMs
        followers[replica] = state
    }

    /// Kafka's `Partition.maybeIncrementLeaderHW`: the smallest log end offset among the ISR (the
    /// leader's own included). Never moves backwards: returns nil unless it is above `current`.
    /// `inSyncReplicas`: the maximal ISR when an ISR change is being written (Kafka 2.8), else the ISR.
    public func newHighWatermark(leaderLogEndOffset: Int64, current: Int64, inSyncReplicas: [BrokerID]? = nil) -> Int64? {
        var minimum = leaderLogEndOffset
        for replica in inSyncReplicas ?? isr where replica != brokerID {
            // An ISR member that has not fetched since this broker became leader holds the mark.
            let offset = followers[replica]?.logEndOffset ?? -1
            minimum = min(minimum, offset)
        }
        return minimum > current ? minimum : nil
    }

    /// Kafka's `Partition.maybeExpandIsr`: a follower outside the ISR joins once its log end offset
    /// reached the high watermark. Returns the ISR to write, or nil.
    public func expandedIsr(highWatermark: Int64) -> [BrokerID]? {
        guard isLeader else { return nil }
        let joining = replicas.filter { replica in
            replica != brokerID && !isr.contains(replica)
                && (followers[replica]?.logEndOffset ?? -1) >= highWatermark
        }
        guard !joining.isEmpty else { return nil }
        return isr + joining
    }

    /// Kafka's `Partition.getOutOfSyncReplicas` (2.8): an ISR follower that is behind the leader's
    /// end offset and has not been caught up for `maxLagMs`. Returns the ISR to write, or nil. The
    /// leader itself never leaves.
    public func shrunkIsr(leaderLogEndOffset: Int64, nowMs: Int64, maxLagMs: Int64) -> [BrokerID]? {
        guard isLeader else { return nil }
        let outOfSync = Set(isr.filter { replica in
            guard replica != brokerID, let state = followers[replica] else { return false }
            return state.logEndOffset != leaderLogEndOffset && nowMs - state.lastCaughtUpTimeMs > maxLagMs
        })
        guard !outOfSync.isEmpty else { return nil }
        return isr.filter { !outOfSync.contains($0) }
    }
}
