import KafkaModel
import KafkaProtocol
import NIOCore
import Synchronization

/// Kafka's `Log`: one partition replica's directory `<log.dir>/<topic>-<partition>/`.
///
/// All state sits behind one lock (Kafka's `Log.lock`). fsyncs happen outside it under a separate
/// flush lock, as Kafka 2.8's `Log.flush` syncs segments outside `lock synchronized`; operations that
/// close descriptors (truncation, retention, close, delete) take the flush lock first.
public final class PartitionLog: Sendable {
    public let topicPartition: TopicPartition
    public let directory: String
    /// The log dir holding `directory` (Kafka's `Log.parentDir`).
    public let parentDir: String
    let state: Mutex<LogState>
    let flushLock = Mutex<Void>(())
    /// Where a disk error is reported (Kafka's `Log.logDirFailureChannel`); nil in tests of the log alone.
    let failureChannel: LogDirFailureChannel?

    /// `parentDir`: the log manager passes its own string, so 100,000 logs share one instead of each
    /// holding a copy cut from its path.
    init(
        topicPartition: TopicPartition, directory: String, parentDir: String? = nil, state: consuming LogState,
        failureChannel: LogDirFailureChannel?
    ) {
        self.topicPartition = topicPartition
        self.directory = directory
        self.parentDir = parentDir ?? directory.lastIndex(of: "/").map { String(directory[..<$0]) } ?? "."
        self.state = Mutex(state)
        self.failureChannel = failureChannel
    }

    /// Kafka's `Log.maybeHandleIOException` around a step under the log lock: a disk error marks the log offline
    /// before the lock is released — so nothing reads or writes the half-done state afterwards — and is then
    /// reported to the failure channel, which takes the whole log dir offline.
    func withStateHandlingIOException<T: Sendable>(
        _ what: @autoclosure () -> String, _ body: (inout LogState) throws(LogError) -> T
    ) throws(LogError) -> T {
        let outcome = state.withLock { (state) -> Result<T, LogError> in
            do throws(LogError) {
                return .success(try body(&state))
            } catch {
                // A closed log (shutdown, deletion) is not a disk failure.
                if case .storage = error, !state.isClosed { state.isOffline = true }
                return .failure(error)
            }
        }
        switch outcome {
        case .success(let value):
            return value
        case .failure(let error):
            if case .storage = error, isOffline { reportStorageFailure(what(), error) }
            throw error
        }
    }

    func reportStorageFailure(_ what: String, _ error: LogError) {
        failureChannel?.maybeAddOfflineLogDir(parentDir, message: "Error while \(what) in dir \(parentDir)", error: error)
    }

    /// Marks the log offline: every later read or write fails with ``LogError/offline(path:)`` (Kafka removes the
    /// logs of an offline dir from the log manager; their files are left for recovery at the next start).
    public func markOffline() { state.withLock { $0.isOffline = true } }

    public var isOffline: Bool { state.withLock { $0.isOffline } }

    public var logStartOffset: Int64 { state.withLock { $0.logStartOffset } }
    public var logEndOffset: Int64 { state.withLock { $0.logEndOffset } }
    public var highWatermark: Int64 { state.withLock { $0.highWatermark } }
    public var recoveryPoint: Int64 { state.withLock { $0.recoveryPoint } }
    var firstSegmentBaseOffset: Int64 { state.withLock { $0.segments[0].baseOffset } }

    /// What the checkpoint files record, read under one lock acquisition.
    var checkpointOffsets: (recoveryPoint: Int64, highWatermark: Int64, logStartOffset: Int64, firstSegmentBaseOffset: Int64) {
        state.withLock { ($0.recoveryPoint, $0.highWatermark, $0.logStartOffset, $0.segments[0].baseOffset) }
    }

    /// Opens (creating the directory if missing) and loads the segments. When `hadCleanShutdown` is false,
    /// recovers every segment from the one containing `recoveryPoint` onward: validates each batch's CRC and
    /// offsets, truncates the file at the first invalid/partial batch (torn tail), rebuilds .index/.timeindex.
    /// Missing or corrupt index files are rebuilt in any case.
    public static func open(
        directory: String, topicPartition: TopicPartition, config: LogConfig,
        recoveryPoint: Int64, logStartOffset: Int64, highWatermark: Int64,
        hadCleanShutdown: Bool, nowMs: Int64, failureChannel: LogDirFailureChannel? = nil, parentDir: String? = nil
    ) throws(LogError) -> PartitionLog {
        let state = try LogState.load(
            directory: directory, config: config, recoveryPoint: recoveryPoint, logStartOffset: logStartOffset,
            highWatermark: highWatermark, hadCleanShutdown: hadCleanShutdown, nowMs: nowMs)
        return PartitionLog(
            topicPartition: topicPartition, directory: directory, parentDir: parentDir, state: state, failureChannel: failureChannel)
    }

    /// Kafka's `Log.updateConfig`: takes effect for the next append, roll and retention check.
    public func updateConfig(_ config: LogConfig) {
        state.withLock { state in
            state.config = config
            for segment in state.segments {
                segment.indexIntervalBytes = config.indexIntervalBytes
                segment.offsetIndex.maxEntries = max(1, config.maxIndexSize / OffsetIndex.entrySize)
                segment.timeIndex.maxEntries = max(1, config.maxIndexSize / TimeIndex.entrySize)
            }
        }
    }

    /// Leader append (`Log.appendAsLeader`); flushes when `flushIntervalMessages` messages are unflushed.
    public func appendAsLeader(_ batches: [RecordBatchView], leaderEpoch: Int32, nowMs: Int64) throws(LogError) -> LogAppendInfo {
        let (info, flushNeeded, rolledAt) = try withStateHandlingIOException("appending to \(topicPartition)") { (state) throws(LogError) in
            let (info, flushNeeded) = try state.appendAsLeader(batches, leaderEpoch: leaderEpoch, nowMs: nowMs)
            return (info, flushNeeded, state.pendingFlushOffset)
        }
        try flushAfterAppend(flushNeeded: flushNeeded, rolledAt: rolledAt)
        return info
    }

    /// Follower append (`Log.appendAsFollower`) of bytes fetched from the leader.
    public func appendAsFollower(_ records: ByteBuffer, nowMs: Int64) throws(LogError) -> LogAppendInfo? {
        let (info, flushNeeded, rolledAt) = try withStateHandlingIOException("appending to \(topicPartition) as follower") { (state) throws(LogError) in
            let (info, flushNeeded) = try state.appendAsFollower(records, nowMs: nowMs)
            return (info, flushNeeded, state.pendingFlushOffset)
        }
        try flushAfterAppend(flushNeeded: flushNeeded, rolledAt: rolledAt)
        return info
    }

    /// `flushIntervalMessages` reached: flush everything. A roll happened: fsync the rolled segment
    /// and move the recovery point to the new segment's base offset (Kafka's `roll` schedules
    /// `flush(newOffset)` at once), so a crash recovers only the active segment.
    private func flushAfterAppend(flushNeeded: Bool, rolledAt: Int64?) throws(LogError) {
        if flushNeeded {
            try flush()
        } else if let rolledAt {
            try flush(upTo: rolledAt)
        }
    }

    // MARK: Leader epochs (KIP-101)

    /// The leader epoch cache's entries (Kafka's `leaderEpochCache.epochEntries`).
    public var leaderEpochCache: LeaderEpochFileCache { state.withLock { $0.epochCache } }

    /// Kafka's `Log.latestEpoch`.
    public var latestEpoch: Int32? { state.withLock { $0.epochCache.latestEpoch } }

    /// Kafka's `Log.endOffsetForEpoch`: the largest epoch ≤ `epoch` this log knows and the offset
    /// where it ends; nil when undefined.
    public func endOffsetForEpoch(_ epoch: Int32) -> (epoch: Int32, endOffset: Int64)? {
        state.withLock { $0.endOffsetForEpoch(epoch) }
    }

    /// Kafka's `Log.maybeAssignEpochStartOffset`: records that `epoch` starts at `startOffset`.
    public func maybeAssignEpochStartOffset(epoch: Int32, startOffset: Int64) throws(LogError) {
        try withStateHandlingIOException("assigning epoch \(epoch) of \(topicPartition)") { (state) throws(LogError) in
            try state.ensureOpen()
            try state.updateEpochCache { $0.assign(epoch: epoch, startOffset: startOffset) }
        }
    }

    /// `Partition.makeLeader`: a new leader records its epoch at its log end offset, under the log
    /// lock so no append slips in between. Written to the checkpoint lazily (`LogState.assignEpochAtLogEnd`).
    public func assignLeaderEpochAtLogEnd(_ epoch: Int32) throws(LogError) {
        try withStateHandlingIOException("assigning epoch \(epoch) of \(topicPartition)") { (state) throws(LogError) in
            try state.ensureOpen()
            state.assignEpochAtLogEnd(epoch)
        }
    }

    /// Reads whole batches from the one containing `startOffset` (see `LogState.read`).
    public func read(startOffset: Int64, maxBytes: Int, upperBound: Int64, minOneMessage: Bool) throws(LogError) -> LogReadInfo {
        try state.withLock { (state) throws(LogError) in
            try state.ensureOnline()
            return try state.read(startOffset: startOffset, maxBytes: maxBytes, upperBound: upperBound, minOneMessage: minOneMessage)
        }
    }

    /// ListOffsets by timestamp (Kafka's `fetchOffsetByTimestamp`).
    public func offset(forTimestamp timestamp: Int64) throws(LogError) -> (offset: Int64, timestamp: Int64)? {
        try state.withLock { (state) throws(LogError) in
            try state.ensureOnline()
            return try state.offset(forTimestamp: timestamp)
        }
    }

    /// Kafka's `Log.updateHighWatermark`: clamped to [logStartOffset, logEndOffset].
    public func updateHighWatermark(_ offset: Int64) {
        state.withLock { $0.highWatermark = min(max(offset, $0.logStartOffset), $0.logEndOffset) }
    }

    /// Kafka's `Log.truncateTo`.
    public func truncate(to offset: Int64) throws(LogError) {
        try flushLock.withLock { _ throws(LogError) in
            try withStateHandlingIOException("truncating \(topicPartition) to \(offset)") { (state) throws(LogError) in
                try state.ensureOpen()
                try state.truncate(to: offset)
            }
        }
    }

    /// Kafka's `Log.truncateFullyAndStartAt`.
    public func truncateFullyAndStartAt(_ offset: Int64) throws(LogError) {
        try flushLock.withLock { _ throws(LogError) in
            try withStateHandlingIOException("truncating \(topicPartition) fully to \(offset)") { (state) throws(LogError) in
                try state.ensureOpen()
                try state.truncateFullyAndStartAt(offset)
            }
        }
    }

    /// Kafka's `maybeIncrementLogStartOffset` (DeleteRecords): never beyond the high watermark.
    /// Whole segments below the new start go at the next `deleteOldSegments`.
    public func maybeIncrementLogStartOffset(_ offset: Int64) throws(LogError) {
        try withStateHandlingIOException("moving the log start offset of \(topicPartition)") { (state) throws(LogError) in
            try state.ensureOpen()
            let target = min(offset, state.highWatermark)
            if target > state.logStartOffset {
                state.logStartOffset = target
                state.recoveryPoint = max(state.recoveryPoint, target)
                try state.updateEpochCache { $0.truncateFromStart(startOffset: target) }
            }
        }
    }

    /// Kafka's `Log.flush()`: fsyncs the segments holding offsets from the recovery point to the log
    /// end offset, then advances the recovery point.
    public func flush() throws(LogError) {
        try flush(upTo: nil)
    }

    func flush(upTo limit: Int64?) throws(LogError) {
        try flushLock.withLock { _ throws(LogError) in
            let (dirty, target) = try state.withLock { (state) throws(LogError) -> ([LogSegment], Int64) in
                try state.ensureOpen()
                let target = min(limit ?? state.logEndOffset, state.logEndOffset)
                // Kafka's `Log.flush(offset)` flushes only `if (offset > this.recoveryPoint)`: a log with nothing
                // appended since its last flush (every empty log) costs no fsync. Without this guard, closing a
                // broker with 10,000 empty logs made 30,000 fsyncs (log, offset and time index of each) and the
                // process outlived its controlled shutdown by many seconds.
                guard target > state.recoveryPoint else { return ([], target) }
                var dirty: [LogSegment] = []
                for (i, segment) in state.segments.enumerated() {
                    let next = i + 1 < state.segments.count ? state.segments[i + 1].baseOffset : Int64.max
                    if next > state.recoveryPoint && segment.baseOffset <= target { dirty.append(segment) }
                }
                return (dirty, target)
            }
            do throws(LogError) {
                for segment in dirty { try segment.flush() }
            } catch {
                // Kafka's flush runs in maybeHandleIOException: an fsync that failed may have lost written data.
                if case .storage = error {
                    markOffline()
                    reportStorageFailure("flushing \(topicPartition)", error)
                }
                throw error
            }
            state.withLock { state in
                state.recoveryPoint = max(state.recoveryPoint, target)
                state.lastFlushMs = state.clockMs
                if let pending = state.pendingFlushOffset, pending <= target { state.pendingFlushOffset = nil }
            }
        }
    }

    /// Kafka's `LogManager.flushDirtyLogs` for this log: flushes when `flushIntervalMs` has passed since the
    /// last flush; also completes the flush of a rolled segment and removes `.deleted` files that are due.
    public func flushIfDue(nowMs: Int64) throws(LogError) {
        let (due, pending) = try withStateHandlingIOException("flushing \(topicPartition)") { (state) throws(LogError) -> (Bool, Int64?) in
            try state.ensureOpen()
            state.clockMs = max(state.clockMs, nowMs)
            try state.deleteDueFiles(nowMs: nowMs)
            let interval = state.config.flushIntervalMs
            let due = interval != Int64.max && nowMs - state.lastFlushMs >= interval
            return (due, state.pendingFlushOffset)
        }
        if due {
            try flush()
        } else if let pending {
            try flush(upTo: pending)
        }
    }

    /// Retention (Kafka's `deleteOldSegments`). Deleted segments' files are renamed `.deleted` and removed
    /// `fileDeleteDelayMs` later by `deleteOldSegments`/`flushIfDue` (at once when the delay is ≤ 0; any
    /// left at shutdown go when the log is next opened).
    public func deleteOldSegments(nowMs: Int64) throws(LogError) -> Int {
        try flushLock.withLock { _ throws(LogError) in
            try withStateHandlingIOException("deleting old segments of \(topicPartition)") { (state) throws(LogError) in
                try state.ensureOnline()
                return try state.deleteOldSegments(nowMs: nowMs)
            }
        }
    }

    public var segmentBaseOffsets: [Int64] { state.withLock { $0.segments.map(\.baseOffset) } }
    public var sizeInBytes: Int64 { state.withLock { $0.sizeInBytes } }

    /// Kafka's `Log.close`: flush, then close every segment (final time index entry, indexes trimmed).
    public func close() throws(LogError) {
        if state.withLock({ $0.isClosed }) { return }
        try flush()
        try flushLock.withLock { _ throws(LogError) in
            try state.withLock { (state) throws(LogError) in
                guard !state.isClosed else { return }
                state.isClosed = true
                for segment in state.segments { try segment.close() }
            }
        }
    }

    /// Kafka's `Log.delete`: closes the files and removes the directory with everything in it.
    public func delete() throws(LogError) {
        try flushLock.withLock { _ throws(LogError) in
            try state.withLock { (state) throws(LogError) in
                if !state.isClosed {
                    state.isClosed = true
                    for segment in state.segments {
                        try segment.log.close()
                        try segment.offsetIndex.file.close()
                        try segment.timeIndex.file.close()
                    }
                }
                state.pendingDeletions.removeAll()
                try FileSystem.removeTree(directory)
            }
        }
    }
}
