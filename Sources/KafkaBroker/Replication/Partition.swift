import KafkaLog
import KafkaModel
import KafkaProtocol
import NIOCore
import Synchronization

/// One partition replica hosted by this broker (Kafka 2.8 `kafka.cluster.Partition`): its log and,
/// when leader, the replication state that moves the high watermark and the ISR. Appends, reads
/// and state changes are serialised by one lock, as Kafka's `leaderIsrUpdateLock` plus the log lock.
public final class Partition: Sendable {
    public let topicPartition: TopicPartition
    public let log: PartitionLog

    struct Guarded: Sendable {
        var replication: PartitionReplicationState
        /// The ISR write to ZooKeeper under way; no second one starts until it is answered
        /// (Kafka's `IsrState.isInflight`).
        var pendingIsrUpdate: IsrUpdate? {
            get { pendingIsrUpdateBox?.update }
            set { pendingIsrUpdateBox = newValue.map(PendingIsrUpdate.init) }
        }
        /// Boxed: an update is 49 bytes and nearly every partition has none, most of the time (issue 14).
        private var pendingIsrUpdateBox: PendingIsrUpdate?
        var minInsyncReplicas: Int

        init(replication: PartitionReplicationState, minInsyncReplicas: Int) {
            self.replication = replication
            self.minInsyncReplicas = minInsyncReplicas
        }

        var isrUpdateInFlight: Bool { pendingIsrUpdate != nil }

        /// Kafka 2.8's `IsrState.maximalIsr`: while an expansion is being written the new member
        /// already counts (`PendingExpandIsr`: ISR + the addition), while a shrink is being written
        /// the old ISR still does (`PendingShrinkIsr`). The high watermark and acks=all use it.
        var maximalIsr: [BrokerID] {
            guard let pending = pendingIsrUpdate else { return replication.isr }
            return replication.isr + pending.isr.filter { !replication.isr.contains($0) }
        }
    }

    let guarded: Mutex<Guarded>

    /// An ``IsrUpdate`` under way, held by reference in ``Guarded``.
    final class PendingIsrUpdate: Sendable {
        let update: IsrUpdate
        init(_ update: IsrUpdate) { self.update = update }
    }

    init(topicPartition: TopicPartition, log: PartitionLog, state: PartitionReplicationState, minInsyncReplicas: Int) {
        self.topicPartition = topicPartition
        self.log = log
        self.guarded = Mutex(Guarded(replication: state, minInsyncReplicas: minInsyncReplicas))
    }

    /// An ISR change the leader wants written to `/brokers/topics/<t>/partitions/<p>/state` (Kafka 2.8's
    /// `PendingShrinkIsr`/`PendingExpandIsr` with their `sentLeaderAndIsr`): the leader's leadership with the new
    /// ISR, at the cached zkVersion (the write's compare-and-set token) and the leader's controller epoch.
    public struct IsrUpdate: PartitionLeadershipCarrying, Sendable, Hashable {
        public var topicPartition: TopicPartition
        public var leadership: LeaderISRAndControllerEpoch

        public init(topicPartition: TopicPartition, leadership: LeaderISRAndControllerEpoch) {
            self.topicPartition = topicPartition
            self.leadership = leadership
        }
    }

    public var replicationState: PartitionReplicationState { guarded.withLock { $0.replication } }
    public var isLeader: Bool { guarded.withLock { $0.replication.isLeader } }
    public var leaderEpoch: Int32 { guarded.withLock { $0.replication.leaderEpoch } }
    public var minInsyncReplicas: Int {
        get { guarded.withLock { $0.minInsyncReplicas } }
        set { guarded.withLock { $0.minInsyncReplicas = newValue } }
    }

    /// Applies a newer LeaderAndIsr state. Becoming leader keeps the log, records the new leader
    /// epoch at the log end offset in the epoch cache (Kafka's `makeLeader`) and recomputes the high
    /// watermark (a leader alone in the ISR commits its whole log at once). Becoming follower
    /// truncates nothing (Kafka 2.8's `makeFollower`): the replica fetcher finds the diverging tail,
    /// if any, through leader epochs (KIP-101/KIP-279) and truncates exactly that.
    func apply(_ state: PartitionReplicationState) throws(LogError) {
        try guarded.withLock { (guarded: inout Guarded) throws(LogError) in
            guarded.replication = state
            guarded.pendingIsrUpdate = nil
            if state.isLeader {
                // "In the case of successive leader elections in a short time period, a follower may
                // have entries in its log from a later epoch than any entry in the new leader's log":
                // the new epoch starts at the log end offset, so followers can find their divergence.
                try log.assignLeaderEpochAtLogEnd(state.leaderEpoch)
                _ = maybeIncrementHighWatermark(guarded)
            }
        }
    }

    /// Kafka 3.3's `Partition.makeLeader` / `makeFollower` for a KRaft delta whose partition epoch
    /// moved while the leader epoch did not (an ISR change the controller wrote, e.g. a fenced
    /// follower removed): the ISR, replicas and partition epoch are taken as they are, the follower
    /// fetch states and the fetcher stay. Returns whether the high watermark moved (a shrunk ISR can
    /// let it advance).
    func applyPartitionEpochChange(isr: [BrokerID], replicas: [BrokerID], partitionEpoch: Int32, nowMs: Int64) -> Bool {
        guarded.withLock { guarded in
            guard partitionEpoch > guarded.replication.zkVersion else { return false }
            guarded.replication.isr = isr
            guarded.replication.zkVersion = partitionEpoch
            if guarded.replication.replicas != replicas && guarded.replication.isLeader {
                for replica in replicas where replica != guarded.replication.brokerID && guarded.replication.followers[replica] == nil {
                    guarded.replication.followers[replica] = .init(lastCaughtUpTimeMs: isr.contains(replica) ? nowMs : 0)
                }
                for replica in guarded.replication.followers.keys where !replicas.contains(replica) {
                    guarded.replication.followers[replica] = nil
                }
            }
            guarded.replication.replicas = replicas
            guard guarded.replication.isLeader else { return false }
            return maybeIncrementHighWatermark(guarded)
        }
    }

    // MARK: - Leader side

    public enum AppendError: Error, Sendable {
        case notLeader
        case notEnoughReplicas(isr: Int, required: Int)
        case log(LogError)
    }

    /// Kafka's `Partition.appendRecordsToLeader`. Returns the append and whether the high
    /// watermark moved (a lone-ISR leader commits at once).
    func appendRecordsToLeader(
        _ batches: [RecordBatchView], requiredAcks: Int16, nowMs: Int64
    ) throws(AppendError) -> (info: LogAppendInfo, highWatermarkMoved: Bool) {
        try guarded.withLock { (guarded: inout Guarded) throws(AppendError) in
            guard guarded.replication.isLeader else { throw .notLeader }
            if requiredAcks == -1 && guarded.replication.isr.count < guarded.minInsyncReplicas {
                throw .notEnoughReplicas(isr: guarded.replication.isr.count, required: guarded.minInsyncReplicas)
            }
            let info: LogAppendInfo
            do throws(LogError) {
                info = try log.appendAsLeader(batches, leaderEpoch: guarded.replication.leaderEpoch, nowMs: nowMs)
            } catch {
                throw .log(error)
            }
            return (info, maybeIncrementHighWatermark(guarded))
        }
    }

    /// Whether the ISR still holds `minInsyncReplicas` and the high watermark reached
    /// `requiredOffset` (Kafka's `checkEnoughReplicasReachOffset`), or why not.
    enum AcknowledgementState: Sendable, Equatable {
        case pending, acknowledged, notLeader, notEnoughReplicasAfterAppend
    }

    func acknowledgementState(requiredOffset: Int64, leaderEpoch: Int32) -> AcknowledgementState {
        guarded.withLock { guarded in
            guard guarded.replication.isLeader, guarded.replication.leaderEpoch == leaderEpoch else { return .notLeader }
            guard log.highWatermark >= requiredOffset else { return .pending }
            // Kafka's checkEnoughReplicasReachOffset counts the maximal ISR.
            return guarded.maximalIsr.count < guarded.minInsyncReplicas ? .notEnoughReplicasAfterAppend : .acknowledged
        }
    }

    public enum ReadError: Error, Sendable {
        case notLeader
        case fencedLeaderEpoch
        case unknownLeaderEpoch
        case log(LogError)
    }

    public struct ReadResult: Sendable {
        public var records: ByteBuffer
        public var highWatermark: Int64
        public var logStartOffset: Int64
        public var logEndOffset: Int64
        /// Set when a follower's fetch let the high watermark move (wake acks=all producers).
        public var highWatermarkMoved: Bool
        /// Set when a follower caught up and should rejoin the ISR.
        public var isrUpdate: IsrUpdate?
        /// Fetch v12: the follower's last fetched epoch diverges from this log; it must truncate
        /// to (epoch, end offset) — no records are returned.
        public var divergingEpoch: (epoch: Int32, endOffset: Int64)?
    }

    /// Kafka's `Partition.readRecords` + `updateFollowerFetchState`: a follower reads up to the log
    /// end offset and its fetch offset is its log end offset; a consumer reads up to the high watermark.
    /// Fetch v12's `lastFetchedEpoch` (≥ 0) is checked first (`FetchDivergence`): a diverging
    /// follower gets `divergingEpoch` and no records, and its fetch state is not updated (Kafka's
    /// `updateFollowerFetchState` skips diverging reads).
    func read(
        fetchOffset: Int64, maxBytes: Int, minOneMessage: Bool, replicaID: BrokerID?, currentLeaderEpoch: Int32,
        lastFetchedEpoch: Int32 = -1, nowMs: Int64, isrEligible: (BrokerID) -> Bool = { _ in true }
    ) throws(ReadError) -> ReadResult {
        try guarded.withLock { (guarded: inout Guarded) throws(ReadError) in
            let state = guarded.replication
            guard state.isLeader else { throw .notLeader }
            if currentLeaderEpoch >= 0 {
                if currentLeaderEpoch < state.leaderEpoch { throw .fencedLeaderEpoch }
                if currentLeaderEpoch > state.leaderEpoch { throw .unknownLeaderEpoch }
            }
            let divergence = FetchDivergence.check(
                lastFetchedEpoch: lastFetchedEpoch, fetchOffset: fetchOffset, leaderEpochs: log.leaderEpochCache,
                logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset)
            switch divergence {
            case .none: break
            case .offsetOutOfRange:
                throw .log(.offsetOutOfRange(requested: fetchOffset, logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset))
            case .diverging(let epoch, let endOffset):
                return ReadResult(
                    records: ByteBuffer(), highWatermark: log.highWatermark, logStartOffset: log.logStartOffset,
                    logEndOffset: log.logEndOffset, highWatermarkMoved: false, isrUpdate: nil,
                    divergingEpoch: (epoch, endOffset))
            }
            let records: ByteBuffer
            do throws(LogError) {
                let upperBound = replicaID == nil ? log.highWatermark : log.logEndOffset
                if fetchOffset >= upperBound && fetchOffset <= log.logEndOffset && fetchOffset >= log.logStartOffset {
                    // Caught up: nothing to read, and no index lookup or buffer. Idle partitions are
                    // most of a follower's fetch when a broker hosts many (Kafka answers them
                    // cheaply through fetch sessions, KIP-227, which ZKafka does not have).
                    records = ByteBuffer()
                } else {
                    records = try log.read(
                        startOffset: fetchOffset, maxBytes: maxBytes, upperBound: upperBound, minOneMessage: minOneMessage
                    ).records
                }
            } catch {
                throw .log(error)
            }
            var moved = false
            var update: IsrUpdate?
            if let replicaID, state.followers[replicaID] != nil {
                guarded.replication.recordFollowerFetch(
                    replica: replicaID, fetchOffset: fetchOffset, leaderLogEndOffset: log.logEndOffset, nowMs: nowMs)
                moved = maybeIncrementHighWatermark(guarded)
                if !guarded.isrUpdateInFlight, let isr = guarded.replication.expandedIsr(highWatermark: log.highWatermark, eligible: isrEligible) {
                    update = isrUpdate(guarded.replication, isr: isr)
                    guarded.pendingIsrUpdate = update
                }
            }
            return ReadResult(
                records: records, highWatermark: log.highWatermark, logStartOffset: log.logStartOffset,
                logEndOffset: log.logEndOffset, highWatermarkMoved: moved, isrUpdate: update)
        }
    }

    /// Kafka's `Partition.maybeShrinkIsr`, run periodically: the ISR without followers that lag
    /// more than `maxLagMs`, to be written to ZooKeeper.
    func isrShrink(nowMs: Int64, maxLagMs: Int64) -> IsrUpdate? {
        guarded.withLock { guarded in
            guard !guarded.isrUpdateInFlight,
                let isr = guarded.replication.shrunkIsr(leaderLogEndOffset: log.logEndOffset, nowMs: nowMs, maxLagMs: maxLagMs)
            else { return nil }
            let update = isrUpdate(guarded.replication, isr: isr)
            guarded.pendingIsrUpdate = update
            return update
        }
    }

    /// Records the outcome of an ISR write: on success the new ISR and znode version apply (and a
    /// shrink can let the high watermark move); on failure the leader keeps its ISR and waits for
    /// the controller's next LeaderAndIsr, as Kafka does after a failed conditional update.
    func completeIsrUpdate(_ update: IsrUpdate, newZkVersion: Int32?) -> Bool {
        guarded.withLock { guarded in
            guard guarded.replication.leaderEpoch == update.leaderEpoch, guarded.replication.isLeader else { return false }
            guarded.pendingIsrUpdate = nil
            // A newer state may have arrived while the write was under way (KRaft: the metadata log brings this
            // very change, or a later one such as a fencing shrink, before the AlterPartition answer); Kafka 3.3
            // ignores an answer once the partition state moved on.
            guard let newZkVersion, newZkVersion > guarded.replication.zkVersion else { return false }
            guarded.replication.isr = update.isr
            guarded.replication.zkVersion = newZkVersion
            return maybeIncrementHighWatermark(guarded)
        }
    }

    private func isrUpdate(_ state: PartitionReplicationState, isr: [BrokerID]) -> IsrUpdate {
        var leadership = state.leadership
        leadership.leaderAndISR = state.leaderAndISR.newEpochlessISR(isr)
        return IsrUpdate(topicPartition: topicPartition, leadership: leadership)
    }

    /// Kafka's `maybeIncrementLeaderHW` over the maximal ISR.
    private func maybeIncrementHighWatermark(_ guarded: Guarded) -> Bool {
        guard let mark = guarded.replication.newHighWatermark(
            leaderLogEndOffset: log.logEndOffset, current: log.highWatermark, inSyncReplicas: guarded.maximalIsr)
        else {
            return false
        }
        log.updateHighWatermark(mark)
        return true
    }
}
