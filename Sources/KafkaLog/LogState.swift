#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file renamed with `.deleted`, to be removed once `dueMs` has passed (Kafka's `asyncDeleteSegment`).
struct PendingDeletion: Sendable {
    var path: String
    var dueMs: Int64
}

/// The mutable state of a `PartitionLog`, always accessed under its lock.
struct LogState: Sendable {
    let directory: String
    /// Shared with every log of equal settings (see ``SharedLogConfig``).
    private var sharedConfig: SharedLogConfig
    var config: LogConfig {
        get { sharedConfig.value }
        set { if newValue != sharedConfig.value { sharedConfig = SharedLogConfig.of(newValue) } }
    }
    /// Which shared config this log points at (tests check the sharing).
    var sharedConfigIdentity: ObjectIdentifier { ObjectIdentifier(sharedConfig) }
    /// Segments ordered by base offset; the last is the active one.
    var segments: [LogSegment]
    var logStartOffset: Int64
    var logEndOffset: Int64
    var highWatermark: Int64
    var recoveryPoint: Int64
    /// The largest `nowMs` callers have passed (the log's notion of the current time).
    var clockMs: Int64
    var lastFlushMs: Int64
    var pendingDeletions: [PendingDeletion] = []
    /// Kafka's `leaderEpochCache`, persisted to `leader-epoch-checkpoint` on every change.
    var epochCache = LeaderEpochFileCache()
    // The optionals and flags last, each optional's spare byte followed by the next field's alignment: in
    // declaration order they padded every log's state by about 20 bytes (issue 14).
    /// Set by a roll: the rolled segment still needs its fsync (Kafka schedules it right away).
    var pendingFlushOffset: Int64?
    /// The lowest offset the log was truncated to since the log cleaner last looked at it (Kafka's
    /// `LogCleanerManager.maybeTruncateCheckpoint`, called by `Log.truncateTo`).
    var truncatedSinceCleanerLooked: Int64?
    var isClosed = false
    /// A disk error hit this log or its dir (Kafka: the log's dir is offline); nothing touches it any more.
    var isOffline = false
    /// The cache holds a leader's epoch assigned at the log end offset that is not on disk yet
    /// (see `assignEpochAtLogEnd`).
    var epochCheckpointStale = false
    var epochCheckpoint: LeaderEpochCheckpointFile { LeaderEpochCheckpointFile(directory: directory) }

    var activeSegment: LogSegment { segments[segments.count - 1] }

    func ensureOnline() throws(LogError) {
        if isOffline { throw .offline(path: directory) }
    }

    func ensureOpen() throws(LogError) {
        try ensureOnline()
        if isClosed { throw .storage(path: directory, operation: "use closed log", errno: EBADF) }
    }

    /// Index of the segment with the largest base offset ≤ `offset` (Kafka's `segments.floorEntry`).
    func floorSegmentIndex(_ offset: Int64) -> Int? {
        var low = 0
        var high = segments.count - 1
        guard high >= 0, segments[0].baseOffset <= offset else { return nil }
        while low < high {
            let mid = (low + high + 1) / 2
            if segments[mid].baseOffset <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }

    var sizeInBytes: Int64 { segments.reduce(0) { $0 + Int64($1.size) } }

    // MARK: Loading (Kafka's Log.loadSegments / recoverLog)

    static func load(
        directory: String, config: LogConfig, recoveryPoint: Int64, logStartOffset: Int64, highWatermark: Int64,
        hadCleanShutdown: Bool, nowMs: Int64
    ) throws(LogError) -> LogState {
        try FileSystem.makeDirectory(directory)
        try completeSwaps(directory: directory)
        let names = try FileSystem.list(directory)
        var bases: [Int64] = []
        for name in names {
            if name.hasSuffix(LogFileNames.deletedSuffix) || name.hasSuffix(".cleaned") || name.hasSuffix(".tmp") {
                // Kafka's removeTempFilesAndCollectSwapFiles: leftovers of deletion and cleaning go.
                try FileSystem.remove(directory + "/" + name)
            } else if let base = LogFileNames.baseOffset(of: name, suffix: LogFileNames.logSuffix) {
                bases.append(base)
            }
        }
        let logBases = Set(bases)
        for name in names {
            // An index without its log file is stray (Kafka deletes it in loadSegmentFiles).
            let base = LogFileNames.baseOffset(of: name, suffix: LogFileNames.indexSuffix)
                ?? LogFileNames.baseOffset(of: name, suffix: LogFileNames.timeIndexSuffix)
            if let base, !logBases.contains(base) { try FileSystem.remove(directory + "/" + name) }
        }
        bases.sort()
        // Kafka's initializeLeaderEpochCache: the checkpoint as written; recovery adds epochs of
        // recovered batches, then entries beyond the recovered log end are dropped.
        let checkpoint = LeaderEpochCheckpointFile(directory: directory)
        let checkpointed = try checkpoint.read()
        var epochCache: LeaderEpochFileCache? = LeaderEpochFileCache(entries: checkpointed)
        var segments: [LogSegment] = []
        for base in bases { segments.append(try LogSegment(directory: directory, baseOffset: base, config: config, nowMs: nowMs)) }

        if !hadCleanShutdown, !segments.isEmpty {
            // Recover every segment from the one holding the recovery point; a truncated segment makes
            // everything after it garbage (Kafka deletes those segments too).
            var i = segments.firstIndex { $0.baseOffset > recoveryPoint }.map { max(0, $0 - 1) } ?? segments.count - 1
            while i < segments.count {
                let truncated = try segments[i].recover(epochCache: &epochCache)
                if truncated > 0 {
                    for segment in segments[(i + 1)...] {
                        for path in try segment.closeAndRenameForDeletion() { try FileSystem.remove(path) }
                    }
                    segments.removeSubrange((i + 1)...)
                    break
                }
                i += 1
            }
        }
        for segment in segments where !segment.indexesLoadedCleanly {
            // Missing or corrupt index files are rebuilt whatever the shutdown was.
            try segment.recover()
        }
        if segments.isEmpty {
            segments.append(try LogSegment(directory: directory, baseOffset: max(0, logStartOffset), config: config, nowMs: nowMs))
        }
        var logEndOffset = segments[0].baseOffset
        for segment in segments { logEndOffset = try segment.loadTail() }
        let start = max(logStartOffset, segments[0].baseOffset)
        var state = LogState(
            directory: directory, sharedConfig: SharedLogConfig.of(config), segments: segments, logStartOffset: start,
            logEndOffset: logEndOffset, highWatermark: 0, recoveryPoint: 0, clockMs: nowMs, lastFlushMs: nowMs)
        state.epochCache = epochCache ?? LeaderEpochFileCache()
        if logEndOffset < start {
            // The checkpointed start offset is beyond the data (Kafka: truncateFullyAndStartAt).
            try state.truncateFullyAndStartAt(start)
        }
        // Kafka's Log constructor: truncateFromEnd(log end offset), then truncateFromStart(log start
        // offset) ("the earliest leader epoch may not be flushed during a hard failure").
        state.epochCache.truncateFromEnd(endOffset: state.logEndOffset)
        state.epochCache.truncateFromStart(startOffset: state.logStartOffset)
        if state.epochCache.entries != checkpointed { try checkpoint.write(state.epochCache.entries) }
        state.recoveryPoint =
            hadCleanShutdown ? state.logEndOffset : min(max(recoveryPoint, state.logStartOffset), state.logEndOffset)
        state.highWatermark = min(max(highWatermark, state.logStartOffset), state.logEndOffset)
        for segment in state.segments { try segment.releaseDescriptors() }
        return state
    }

    // MARK: Rolling

    /// Kafka's `LogSegment.shouldRoll`.
    func shouldRoll(messagesSize: Int, maxTimestamp: Int64, maxOffset: Int64, nowMs: Int64) throws(LogError) -> Bool {
        let segment = activeSegment
        if segment.size > config.segmentBytes - messagesSize { return true }
        if segment.size > 0, try segment.timeWaitedForRoll(nowMs: nowMs, messageTimestamp: maxTimestamp) > config.segmentMs {
            return true
        }
        if segment.offsetIndex.isFull || segment.timeIndex.isFull { return true }
        return segment.size > 0 && maxOffset - segment.baseOffset > Int64(Int32.max)
    }

    /// Kafka's `Log.roll`: a new active segment at the log end offset; the old one gets its final time
    /// index entry and is fsynced by the next flush (Kafka schedules that flush immediately).
    mutating func roll(nowMs: Int64) throws(LogError) {
        let newBase = logEndOffset
        let active = activeSegment
        if active.baseOffset == newBase && active.isEmpty { return }
        try active.appendFinalTimeIndexEntry()
        let segment = try LogSegment(directory: directory, baseOffset: newBase, config: config, nowMs: nowMs)
        guard segment.isEmpty else {
            throw .invalidOffset("segment \(LogFileNames.logFile(directory, newBase)) already exists with data")
        }
        segments.append(segment)
        pendingFlushOffset = newBase
    }

    // MARK: Deleting segments

    /// Closes and renames the segments' files to `.deleted`; they go after `fileDeleteDelayMs`
    /// (immediately when it is ≤ 0).
    mutating func removeSegments(_ victims: [LogSegment]) throws(LogError) {
        guard !victims.isEmpty else { return }
        let ids = Set(victims.map { ObjectIdentifier($0) })
        segments.removeAll { ids.contains(ObjectIdentifier($0)) }
        for segment in victims {
            for path in try segment.closeAndRenameForDeletion() {
                if config.fileDeleteDelayMs <= 0 {
                    try FileSystem.remove(path)
                } else {
                    pendingDeletions.append(PendingDeletion(path: path, dueMs: clockMs + config.fileDeleteDelayMs))
                }
            }
        }
    }

    mutating func deleteDueFiles(nowMs: Int64) throws(LogError) {
        let due = pendingDeletions.filter { $0.dueMs <= nowMs }
        pendingDeletions.removeAll { $0.dueMs <= nowMs }
        for deletion in due { try FileSystem.remove(deletion.path) }
    }

    /// Kafka's `Log.truncateFullyAndStartAt`: drops every segment and starts empty at `offset`.
    mutating func truncateFullyAndStartAt(_ offset: Int64) throws(LogError) {
        try removeSegments(segments)
        try updateEpochCache { $0.clear() }
        segments = [try LogSegment(directory: directory, baseOffset: offset, config: config, nowMs: clockMs)]
        logEndOffset = offset
        logStartOffset = offset
        highWatermark = offset
        recoveryPoint = offset
        pendingFlushOffset = nil
        truncatedSinceCleanerLooked = min(truncatedSinceCleanerLooked ?? offset, offset)
    }

    /// Kafka's `Log.truncateTo`: removes everything at or after `offset`.
    mutating func truncate(to offset: Int64) throws(LogError) {
        guard offset < logEndOffset else {
            // Kafka truncates the epoch cache anyway: a leader may have cached its epoch's start
            // and been replaced before appending anything under it.
            let end = logEndOffset
            try updateEpochCache { $0.truncateFromEnd(endOffset: end) }
            return
        }
        if segments[0].baseOffset > offset {
            try truncateFullyAndStartAt(offset)
            return
        }
        try removeSegments(segments.filter { $0.baseOffset > offset })
        _ = try activeSegment.truncate(to: offset)
        logEndOffset = try activeSegment.loadTail()
        truncatedSinceCleanerLooked = min(truncatedSinceCleanerLooked ?? logEndOffset, logEndOffset)
        let end = logEndOffset
        try updateEpochCache { $0.truncateFromEnd(endOffset: end) }
        recoveryPoint = min(recoveryPoint, logEndOffset)
        highWatermark = min(highWatermark, logEndOffset)
        logStartOffset = min(logStartOffset, logEndOffset)
        if let pending = pendingFlushOffset, pending > logEndOffset { pendingFlushOffset = nil }
    }
}
