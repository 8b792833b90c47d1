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
        /// An ISR write to ZooKeeper is under way; no second one starts until it is answered
        /// (Kafka's "pending ISR update" guard).
        var isrUpdateInFlight = false
        var minInsyncReplicas: Int
    }

    private let guarded: Mutex<Guarded>

    init(topicPartition: TopicPartition, log: PartitionLog, state: PartitionReplicationState, minInsyncReplicas: Int) {
        self.topicPartition = topicPartition
        self.log = log
        self.guarded = Mutex(Guarded(replication: state, minInsyncReplicas: minInsyncReplicas))
    }

    /// An ISR change the leader wants written to `/brokers/topics/<t>/partitions/<p>/state`.
    public struct IsrUpdate: Sendable, Hashable {
        public var topicPartition: TopicPartition
        public var leader: BrokerID
        public var leaderEpoch: Int32
        public var isr: [BrokerID]
        public var controllerEpoch: Int32
        public var zkVersion: Int32
    }

    public var replicationState: PartitionReplicationState { guarded.withLock { $0.replication } }
    public var isLeader: Bool { guarded.withLock { $0.replication.isLeader } }
    public var leaderEpoch: Int32 { guarded.withLock { $0.replication.leaderEpoch } }
    public var minInsyncReplicas: Int {
        get { guarded.withLock { $0.minInsyncReplicas } }
        set { guarded.withLock { $0.minInsyncReplicas = newValue } }
    }

    /// Applies a newer LeaderAndIsr state: becoming leader keeps the log and recomputes the high
    /// watermark (Kafka's `makeLeader` ends with `maybeIncrementLeaderHW`: a leader alone in the ISR
    /// commits its whole log at once, instead of waiting for the next append). Becoming the follower
    /// of a *new*, live leader truncates the log to the high watermark, so an uncommitted tail never
    /// diverges from the new leader's log (Kafka before KIP-101; see docs/data-plane.md). As in Kafka
    /// 0.10's `makeFollowers`, nothing is truncated when only the epoch or ISR changed under the same
    /// leader: a follower's high watermark trails the leader's by a fetch, and truncating to it would
    /// drop acknowledged records this replica may be elected with next. Without a live leader
    /// (leader -1: every replica was down) the log is kept whole too.
    /// `isNew`: the partition was just created or loaded here, so there is no previous leader.
    func apply(_ state: PartitionReplicationState, leaderIsLive: Bool, isNew: Bool = false) throws(LogError) {
        try guarded.withLock { (guarded: inout Guarded) throws(LogError) in
            let previous = guarded.replication
            let leaderChanged = isNew || previous.isLeader || previous.leader != state.leader
            guarded.replication = state
            guarded.isrUpdateInFlight = false
            if state.isLeader {
                _ = maybeIncrementHighWatermark(state)
            } else if leaderIsLive && leaderChanged {
                try log.truncate(to: log.highWatermark)
            }
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
            return (info, maybeIncrementHighWatermark(guarded.replication))
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
            return guarded.replication.isr.count < guarded.minInsyncReplicas ? .notEnoughReplicasAfterAppend : .acknowledged
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
    }

    /// Kafka's `Partition.readRecords` + `updateFollowerFetchState`: a follower reads up to the log
    /// end offset and its fetch offset is its log end offset; a consumer reads up to the high watermark.
    func read(
        fetchOffset: Int64, maxBytes: Int, minOneMessage: Bool, replicaID: BrokerID?, currentLeaderEpoch: Int32,
        nowMs: Int64
    ) throws(ReadError) -> ReadResult {
        try guarded.withLock { (guarded: inout Guarded) throws(ReadError) in
            let state = guarded.replication
            guard state.isLeader else { throw .notLeader }
            if currentLeaderEpoch >= 0 {
                if currentLeaderEpoch < state.leaderEpoch { throw .fencedLeaderEpoch }
                if currentLeaderEpoch > state.leaderEpoch { throw .unknownLeaderEpoch }
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
                moved = maybeIncrementHighWatermark(guarded.replication)
                if !guarded.isrUpdateInFlight, let isr = guarded.replication.expandedIsr(highWatermark: log.highWatermark) {
                    guarded.isrUpdateInFlight = true
                    update = isrUpdate(guarded.replication, isr: isr)
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
            guarded.isrUpdateInFlight = true
            return isrUpdate(guarded.replication, isr: isr)
        }
    }

    /// Records the outcome of an ISR write: on success the new ISR and znode version apply (and a
    /// shrink can let the high watermark move); on failure the leader keeps its ISR and waits for
    /// the controller's next LeaderAndIsr, as Kafka does after a failed conditional update.
    func completeIsrUpdate(_ update: IsrUpdate, newZkVersion: Int32?) -> Bool {
        guarded.withLock { guarded in
            guard guarded.replication.leaderEpoch == update.leaderEpoch, guarded.replication.isLeader else { return false }
            guarded.isrUpdateInFlight = false
            guard let newZkVersion else { return false }
            guarded.replication.isr = update.isr
            guarded.replication.zkVersion = newZkVersion
            return maybeIncrementHighWatermark(guarded.replication)
        }
    }

    private func isrUpdate(_ state: PartitionReplicationState, isr: [BrokerID]) -> IsrUpdate {
        IsrUpdate(
            topicPartition: topicPartition, leader: state.leader, leaderEpoch: state.leaderEpoch, isr: isr,
            controllerEpoch: state.controllerEpoch, zkVersion: state.zkVersion)
    }

    private func maybeIncrementHighWatermark(_ state: PartitionReplicationState) -> Bool {
        guard let mark = state.newHighWatermark(leaderLogEndOffset: log.logEndOffset, current: log.highWatermark) else {
            return false
        }
        log.updateHighWatermark(mark)
        return true
    }

    // MARK: - Follower side

    /// Kafka's `ReplicaFetcherThread.processPartitionData`: appends what the leader sent and takes
    /// the leader's high watermark, capped at the local log end offset.
    func appendAsFollower(_ records: ByteBuffer, leaderHighWatermark: Int64, nowMs: Int64) throws(LogError) -> Bool {
        try guarded.withLock { (guarded: inout Guarded) throws(LogError) in
            guard !guarded.replication.isLeader else { return false }
            var appended = false
            if records.readableBytes > 0 {
                appended = try log.appendAsFollower(records, nowMs: nowMs) != nil
            }
            log.updateHighWatermark(min(leaderHighWatermark, log.logEndOffset))
            return appended
        }
    }
}
