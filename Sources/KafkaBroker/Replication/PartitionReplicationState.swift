import KafkaModel

/// The leader's bookkeeping of one partition's replication, as a value: the ISR, each follower's
/// fetch state, and the rules that move the high watermark and the ISR (Kafka 2.8 `Partition`
/// and `Replica`). Pure: callers pass the clock and the leader's log end offset, and apply the
/// returned decisions (ZooKeeper writes, waking waiters) themselves.
public struct PartitionReplicationState: PartitionLeadershipCarrying, Sendable, Hashable {
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
    /// Its zkVersion is the version of `/brokers/topics/<t>/partitions/<p>/state` this ISR was read or written at;
    /// its controller epoch that of the controller that wrote the state (the leader writes ISR changes with it).
    public var leadership: LeaderISRAndControllerEpoch
    public var replicas: [BrokerID]
    /// Kept by leaders only (followers decide nothing from it, and a follower that becomes leader starts from a
    /// fresh state): at 100,000 partitions two thirds of a broker's replicas are followers.
    public var followers: FollowerStates

    public var isLeader: Bool { leader == brokerID }

    /// Kafka's `Partition.makeLeader` / `makeFollower`: a fresh view of the followers. ISR members
    /// count as caught up now, others never were, so a lagging replica is not shrunk out at once
    /// nor admitted early.
    public init(brokerID: BrokerID, leadership: LeaderISRAndControllerEpoch, replicas: [BrokerID], nowMs: Int64) {
        self.brokerID = brokerID
        self.leadership = leadership
        self.replicas = replicas
        var followers = FollowerStates()
        if leadership.leaderAndISR.leader == brokerID {
            for replica in replicas where replica != brokerID {
                followers[replica] = FollowerState(lastCaughtUpTimeMs: leadership.leaderAndISR.isr.contains(replica) ? nowMs : 0)
            }
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
    /// reached the high watermark, if it is eligible (Kafka 3.3's `isReplicaIsrEligible`: in KRaft mode neither
    /// fenced nor in controlled shutdown, which the controller would refuse). Returns the ISR to write, or nil.
    public func expandedIsr(highWatermark: Int64, eligible: (BrokerID) -> Bool = { _ in true }) -> [BrokerID]? {
        guard isLeader else { return nil }
        let joining = replicas.filter { replica in
            replica != brokerID && !isr.contains(replica)
                && (followers[replica]?.logEndOffset ?? -1) >= highWatermark && eligible(replica)
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
