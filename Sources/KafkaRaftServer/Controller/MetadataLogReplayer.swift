import KafkaController
import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol
import KafkaQuorumController
import KafkaRaft

/// What every controller, active or standby, does with the committed `__cluster_metadata` log (Kafka 3.3's
/// `QuorumMetaLogListener.handleCommit` / `handleSnapshot` in `QuorumController`): replays each committed
/// record, in offset order, into its ``QuorumControllerState``. Because standbys replay as they go, a newly
/// elected controller already holds the state (hot standby; no context load as in ZooKeeper mode).
///
/// Pure: it reads the core's log view and high watermark and returns what it applied.
public struct MetadataLogReplayer: Sendable {
    public private(set) var state = QuorumControllerState()
    /// Bytes of metadata records applied since the last snapshot (Kafka counts record bytes for
    /// `metadata.log.max.record.bytes.between.snapshots`).
    public private(set) var bytesSinceSnapshot = 0
    /// The offset of the last snapshot loaded or taken, 0 if none.
    public private(set) var snapshotEndOffset: Int64 = 0

    public init() {}

    /// The next log offset to apply (every offset below it is reflected in `state`).
    public var nextOffset: Int64 { state.lastAppliedOffset + 1 }

    public struct Applied: Sendable {
        public var offset: Int64
        /// nil for a control record (LeaderChange).
        public var record: MetadataRecord?
        /// The trace lines this record produces (empty unless tracing was asked for).
        public var trace: [ControllerTraceRecord]
    }

    public enum ReplayError: Error, CustomStringConvertible {
        case undecodableRecord(offset: Int64, reason: String)
        case undecodableSnapshot(OffsetAndEpoch, reason: String)
        case missingRecords(from: Int64, logStart: Int64)

        public var description: String {
            switch self {
            case .undecodableRecord(let offset, let reason): "metadata record at offset \(offset) cannot be read: \(reason)"
            case .undecodableSnapshot(let id, let reason): "metadata snapshot \(id.offset)-\(id.epoch) cannot be read: \(reason)"
            case .missingRecords(let from, let logStart):
                "records from offset \(from) are gone (log starts at \(logStart)) and no snapshot covers them"
            }
        }
    }

    /// Applies the records of `log` below `highWatermark` that are not applied yet. When the log starts past the
    /// next offset (its prefix was replaced by a snapshot: at start-up, or after installing the leader's
    /// snapshot), the state is first rebuilt from that snapshot (`handleSnapshot`).
    public mutating func catchUp(
        log: RaftLog, highWatermark: Int64, trace: TraceContext? = nil
    ) throws(ReplayError) -> [Applied] {
        if log.startOffset > nextOffset {
            guard let snapshot = log.latestSnapshot, snapshot.id.offset >= log.startOffset else {
                throw .missingRecords(from: nextOffset, logStart: log.startOffset)
            }
            try load(snapshot)
        }
        var applied: [Applied] = []
        let end = min(highWatermark, log.endOffset)
        while nextOffset < end {
            let offset = nextOffset
            guard let raftRecord = log.record(at: offset) else { break }
            switch raftRecord.payload {
            case .leaderChange:
                state.skipControlRecord(offset: offset)
                applied.append(Applied(offset: offset, record: nil, trace: []))
            case .data(let bytes):
                applied.append(try replay(bytes, at: offset, trace: trace))
            }
        }
        return applied
    }

    /// Applies one delivery of a ``RaftCommitCursor`` (what a ``RaftQuorumNode`` hands its state machine): a
    /// snapshot replaces the state when it is ahead of it; a batch's data records are replayed in order, and the
    /// control records between and after them (LeaderChange) are skipped so `nextOffset` passes `lastOffset`.
    /// Records already applied are ignored. The same replay as ``catchUp(log:highWatermark:trace:)``, fed with
    /// copies of the committed records instead of the Raft log itself, so it can run off the Raft thread.
    public mutating func apply(
        _ delivery: RaftCommitCursor.Delivery, trace: TraceContext? = nil
    ) throws(ReplayError) -> [Applied] {
        switch delivery {
        case .snapshot(let snapshot):
            guard snapshot.id.offset > nextOffset else { return [] }
            try load(snapshot)
            return []
        case .commit(let batch):
            var applied: [Applied] = []
            for (offset, bytes) in batch.records where offset >= nextOffset {
                if offset > nextOffset { state.skipControlRecord(offset: offset - 1) }
                applied.append(try replay(bytes, at: offset, trace: trace))
            }
            if batch.lastOffset >= nextOffset { state.skipControlRecord(offset: batch.lastOffset) }
            return applied
        }
    }

    private mutating func replay(_ bytes: [UInt8], at offset: Int64, trace: TraceContext?) throws(ReplayError) -> Applied {
        let record: MetadataRecord
        do {
            record = try MetadataRecordSerde.decode(bytes).record
        } catch {
            throw .undecodableRecord(offset: offset, reason: "\(error)")
        }
        let context = trace.map { _ in QuorumControllerTrace.context(for: record, in: state) }
        state.replay(record, offset: offset)
        bytesSinceSnapshot += bytes.count
        var lines: [ControllerTraceRecord] = []
        if let trace, let context {
            lines = QuorumControllerTrace.records(
                for: record, offset: offset, context: context, after: state, controllerID: trace.controllerID,
                raftEpoch: trace.raftEpoch, timeMs: trace.timeMs)
        }
        return Applied(offset: offset, record: record, trace: lines)
    }

    /// Who is tracing and when (the trace lines' controller id, epoch and time).
    public struct TraceContext: Sendable {
        public var controllerID: BrokerID
        public var raftEpoch: Int32
        public var timeMs: Int64

        public init(controllerID: BrokerID, raftEpoch: Int32, timeMs: Int64) {
            self.controllerID = controllerID
            self.raftEpoch = raftEpoch
            self.timeMs = timeMs
        }
    }

    /// Whether enough has been applied since the last snapshot to write a new one (Kafka's
    /// `SnapshotGenerator` trigger: `metadata.log.max.record.bytes.between.snapshots`).
    public func isSnapshotDue(maxBytesBetweenSnapshots: Int) -> Bool {
        bytesSinceSnapshot >= maxBytesBetweenSnapshots && nextOffset > snapshotEndOffset
    }

    /// The snapshot of everything applied: its end offset (the next offset) and its bytes.
    public func snapshot() -> (endOffset: Int64, data: [UInt8]) {
        (nextOffset, MetadataSnapshotCodec.encode(state.snapshotRecords()))
    }

    /// The Raft layer accepted a snapshot ending at `endOffset`.
    public mutating func snapshotTaken(endOffset: Int64) {
        snapshotEndOffset = endOffset
        bytesSinceSnapshot = 0
    }

    private mutating func load(_ snapshot: RaftSnapshot) throws(ReplayError) {
        let records: [MetadataRecord]
        do {
            records = try MetadataSnapshotCodec.decode(snapshot.data)
        } catch {
            throw .undecodableSnapshot(snapshot.id, reason: "\(error)")
        }
        state = QuorumControllerState(snapshotRecords: records, lastAppliedOffset: snapshot.id.offset - 1)
        snapshotTaken(endOffset: snapshot.id.offset)
    }
}
