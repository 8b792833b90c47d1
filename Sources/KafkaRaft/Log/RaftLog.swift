/// The core's view of the replicated `__cluster_metadata-0` log (Kafka's `ReplicatedLog`): records
/// from `startOffset` to `endOffset`, the epoch cache over them, and the latest snapshot, whose end
/// offset is the log start once the prefix has been deleted (KIP-630). A plain value: the shell
/// mirrors every change onto disk by following the core's directives.
public struct RaftLog: Sendable, Equatable {
    /// Offset of `records[0]`.
    public private(set) var startOffset: Int64 = 0
    public private(set) var records: [RaftRecord] = []
    public private(set) var epochCache = LeaderEpochCache()
    /// The latest snapshot; `startOffset` is never above its end offset.
    public private(set) var latestSnapshot: RaftSnapshot?
    /// Snapshots replaced by a newer one, newest last, kept so that a follower part-way through
    /// downloading one can finish (Kafka deletes old snapshots only when its log cleaner runs).
    public private(set) var olderSnapshots: [RaftSnapshot] = []
    public static let retainedOlderSnapshots = 2

    public init() {}

    /// Rebuilds the view from what the shell found on disk.
    public init(snapshot: RaftSnapshot?, startOffset: Int64, records: [RaftRecord]) {
        self.latestSnapshot = snapshot
        self.startOffset = startOffset
        for record in records { append(record) }
    }

    public var endOffset: Int64 { startOffset + Int64(records.count) }

    /// Epoch of the last record, or of the snapshot when the log past it is empty.
    public var lastFetchedEpoch: Int32 {
        records.last?.epoch ?? (latestSnapshot?.id.offset == startOffset ? latestSnapshot!.id.epoch : 0)
    }

    public var endOffsetAndEpoch: OffsetAndEpoch { OffsetAndEpoch(offset: endOffset, epoch: lastFetchedEpoch) }

    public func record(at offset: Int64) -> RaftRecord? {
        guard offset >= startOffset, offset < endOffset else { return nil }
        return records[Int(offset - startOffset)]
    }

    public func records(from offset: Int64, maxCount: Int) -> ArraySlice<RaftRecord> {
        guard offset >= startOffset, offset < endOffset else { return [] }
        let from = Int(offset - startOffset)
        return records[from..<min(records.count, from + maxCount)]
    }

    public mutating func append(_ record: RaftRecord) {
        precondition(record.epoch >= lastFetchedEpoch, "record epoch \(record.epoch) below log epoch \(lastFetchedEpoch)")
        epochCache.assign(epoch: record.epoch, startOffset: endOffset)
        records.append(record)
    }

    /// Removes every record at or above `offset`.
    public mutating func truncate(toEndOffset offset: Int64) {
        guard offset < endOffset else { return }
        precondition(offset >= startOffset, "truncation to \(offset) below log start \(startOffset)")
        records.removeLast(Int(endOffset - offset))
        epochCache.truncateFromEnd(endOffset: offset)
    }

    /// KIP-630: after a snapshot at `snapshot.id.offset` the records below it may go.
    public mutating func deletePrefix(snapshot: RaftSnapshot) {
        if let previous = latestSnapshot {
            olderSnapshots.append(previous)
            if olderSnapshots.count > Self.retainedOlderSnapshots { olderSnapshots.removeFirst() }
        }
        latestSnapshot = snapshot
        let newStart = min(snapshot.id.offset, endOffset)
        guard newStart > startOffset else { return }
        records.removeFirst(Int(newStart - startOffset))
        startOffset = newStart
        epochCache.truncateFromStart(startOffset: newStart)
    }

    /// The latest or a retained older snapshot with this id (what FetchSnapshot can serve).
    public func snapshot(id: OffsetAndEpoch) -> RaftSnapshot? {
        latestSnapshot?.id == id ? latestSnapshot : olderSnapshots.last { $0.id == id }
    }

    /// A follower installs a snapshot fetched from the leader: the whole log is replaced by it.
    public mutating func install(snapshot: RaftSnapshot) {
        latestSnapshot = snapshot
        records = []
        startOffset = snapshot.id.offset
        epochCache = LeaderEpochCache()
    }

    /// `KafkaMetadataLog.endOffsetForEpoch`: where `epoch` (or the largest epoch below it) ends in
    /// this log; a snapshot at the log start answers for epochs older than its own.
    public func endOffset(forEpoch epoch: Int32) -> OffsetAndEpoch {
        let snapshotAtStart = latestSnapshot.flatMap { $0.id.offset == startOffset ? $0.id : nil }
        if let found = epochCache.endOffset(for: epoch, logEndOffset: endOffset) {
            if let snapshotID = snapshotAtStart, found.offset == snapshotID.offset, found.epoch < snapshotID.epoch {
                return snapshotID
            }
            return found
        }
        return snapshotAtStart ?? OffsetAndEpoch(offset: startOffset, epoch: 0)
    }

    /// What the leader makes of a follower's `fetchOffset` and `lastFetchedEpoch`
    /// (`ReplicatedLog.validateOffsetAndEpoch`).
    public enum FetchPosition: Sendable, Equatable {
        case valid
        /// The follower's log diverges: it must truncate to this epoch's end (Fetch `divergingEpoch`).
        case diverging(OffsetAndEpoch)
        /// The follower is below the log start: it must fetch this snapshot (Fetch `snapshotId`).
        case snapshot(OffsetAndEpoch)
    }

    public func validate(fetchOffset: Int64, lastFetchedEpoch: Int32) -> FetchPosition {
        if startOffset == 0 && fetchOffset == 0 { return .valid }
        if let snapshot = latestSnapshot,
            fetchOffset < startOffset
                || (fetchOffset == startOffset && lastFetchedEpoch != snapshot.id.epoch)
                || lastFetchedEpoch < snapshot.id.epoch
        {
            return .snapshot(snapshot.id)
        }
        let end = endOffset(forEpoch: lastFetchedEpoch)
        if end.epoch != lastFetchedEpoch || end.offset < fetchOffset { return .diverging(end) }
        return .valid
    }
}
