import KafkaProtocol
import NIOCore

/// Kafka's `LogSegment`: one `.log` file of raw record batches with its `.index` and `.timeindex`.
/// Not thread-safe on its own: every access happens under the owning `PartitionLog`'s lock (fsync on
/// the immutable descriptors is the one thing done outside it, under the log's flush lock).
final class LogSegment: @unchecked Sendable {
    let directory: String
    let baseOffset: Int64
    let log: PosixFile
    let offsetIndex: OffsetIndex
    let timeIndex: TimeIndex
    /// Bytes in the `.log` file that belong to whole appended batches.
    var size: Int
    let createdMs: Int64
    var lastModifiedMs: Int64
    var indexIntervalBytes: Int
    var bytesSinceLastIndexEntry = 0
    var maxTimestampSoFar: Int64 = -1
    var offsetOfMaxTimestampSoFar: Int64
    /// The first batch's max timestamp (Kafka's `rollingBasedTimestamp`); nil until loaded.
    var rollingBasedTimestamp: Int64?
    /// False when an index file was missing or failed its sanity check on open: rebuild before use.
    private(set) var indexesLoadedCleanly: Bool

    /// Opens the segment's files. An empty or missing `.log` makes an empty segment whose files are created when
    /// the first batch is appended (see `PosixFile.segmentFile`); a `.log` holding data gets any missing index
    /// file created here, empty, and rebuilt by the caller (`indexesLoadedCleanly`). So a segment with data always
    /// has its three files.
    init(directory: String, baseOffset: Int64, config: LogConfig, nowMs: Int64) throws(LogError) {
        self.directory = directory
        self.baseOffset = baseOffset
        let logPath = LogFileNames.logFile(directory, baseOffset)
        let indexPath = LogFileNames.indexFile(directory, baseOffset)
        let timeIndexPath = LogFileNames.timeIndexFile(directory, baseOffset)
        let indexesExisted = FileSystem.exists(indexPath) && FileSystem.exists(timeIndexPath)
        log = try PosixFile.segmentFile(directory: directory, baseOffset: baseOffset, kind: .log, createNow: false)
        size = try log.size()
        offsetIndex = try OffsetIndex(directory: directory, baseOffset: baseOffset, maxIndexSize: config.maxIndexSize, createNow: size > 0)
        timeIndex = try TimeIndex(directory: directory, baseOffset: baseOffset, maxIndexSize: config.maxIndexSize, createNow: size > 0)
        createdMs = nowMs
        lastModifiedMs = FileSystem.modificationTimeMs(logPath) ?? nowMs
        indexIntervalBytes = config.indexIntervalBytes
        offsetOfMaxTimestampSoFar = baseOffset
        let indexFileSize = try offsetIndex.file.size()
        let timeIndexFileSize = try timeIndex.file.size()
        indexesLoadedCleanly =
            (indexesExisted || size == 0)
            && offsetIndex.isSane(fileSize: indexFileSize, logSize: size)
            && timeIndex.isSane(fileSize: timeIndexFileSize)
    }

    var isEmpty: Bool { size == 0 }

    /// `LogSegment.largestTimestamp`: the max timestamp seen, else the file's modification time.
    var largestTimestamp: Int64 { maxTimestampSoFar >= 0 ? maxTimestampSoFar : lastModifiedMs }

    /// Writes `bytes` (whole batches; `batches` positions are relative to its start) with one `pwrite`,
    /// then adds index entries every `indexIntervalBytes` (Kafka's `LogSegment.append`).
    func append(_ bytes: ByteBuffer, batches: [BatchInfo], nowMs: Int64) throws(LogError) {
        let start = size
        if start == 0 {
            // The first data of a new segment: its index files come into existence with it (a segment with data
            // and no index files would be rebuilt at every load).
            try offsetIndex.file.create()
            try timeIndex.file.create()
        }
        do {
            try log.write(bytes, at: start)
        } catch {
            // A write that failed part-way (ENOSPC after some bytes) would leave a torn batch past what the
            // in-memory state says; cut it off if the disk still lets us. The log goes offline either way and
            // recovery at the next start truncates anything left (Kafka leaves the torn tail to recovery).
            try? log.truncate(to: start)
            throw error
        }
        if size == 0 { rollingBasedTimestamp = batches.first?.maxTimestamp }
        size += bytes.readableBytes
        lastModifiedMs = nowMs
        for var batch in batches {
            batch.position += start
            try indexBatch(batch)
        }
    }

    /// Index bookkeeping for one batch at its absolute position.
    func indexBatch(_ batch: BatchInfo) throws(LogError) {
        if batch.maxTimestamp > maxTimestampSoFar {
            maxTimestampSoFar = batch.maxTimestamp
            offsetOfMaxTimestampSoFar = batch.lastOffset
        }
        if bytesSinceLastIndexEntry > indexIntervalBytes {
            try offsetIndex.append(offset: batch.lastOffset, position: batch.position)
            try timeIndex.maybeAppend(timestamp: maxTimestampSoFar, offset: offsetOfMaxTimestampSoFar)
            bytesSinceLastIndexEntry = 0
        }
        bytesSinceLastIndexEntry += batch.size
    }

    /// Kafka's `LogSegment.recover`: re-reads every batch, checks CRC and offsets, rebuilds both
    /// indexes and truncates the file at the first invalid or partial batch. Returns bytes truncated.
    @discardableResult
    func recover() throws(LogError) -> Int {
        var noCache: LeaderEpochFileCache?
        return try recover(epochCache: &noCache)
    }

    /// `recover` that also records each batch's leader epoch in `epochCache` when it is newer than
    /// the latest cached one (Kafka's `LogSegment.recover(producerStateManager, leaderEpochCache)`).
    @discardableResult
    func recover(epochCache: inout LeaderEpochFileCache?) throws(LogError) -> Int {
        try offsetIndex.reset()
        try timeIndex.reset()
        bytesSinceLastIndexEntry = 0
        maxTimestampSoFar = -1
        offsetOfMaxTimestampSoFar = baseOffset
        rollingBasedTimestamp = nil
        let fileSize = try log.size()
        var validBytes = 0
        var previousLast = baseOffset - 1
        let base = baseOffset
        _ = try forEachBatch(from: 0, to: fileSize, chunkSize: 1 << 20, withBytes: true) { (info, bytes) throws(LogError) in
            guard info.baseOffset >= base, info.baseOffset > previousLast,
                info.lastOffset - base <= Int64(Int32.max), var buffer = bytes
            else { return false }
            guard let view = try? RecordBatchView(from: &buffer), (try? view.validate()) != nil else { return false }
            if validBytes == 0 { rollingBasedTimestamp = info.maxTimestamp }
            if info.partitionLeaderEpoch >= 0, epochCache != nil,
                epochCache!.latestEpoch.map({ info.partitionLeaderEpoch > $0 }) ?? true
            {
                epochCache!.assign(epoch: info.partitionLeaderEpoch, startOffset: info.baseOffset)
            }
            try indexBatch(info)
            validBytes = info.position + info.size
            previousLast = info.lastOffset
            return true
        }
        if validBytes < fileSize { try log.truncate(to: validBytes) }
        size = validBytes
        indexesLoadedCleanly = true
        return fileSize - validBytes
    }

    /// Loads what a clean open needs beyond the indexes: the next offset (Kafka's `readNextOffset`,
    /// scanning from the last index entry) and the max timestamp so far.
    func loadTail() throws(LogError) -> Int64 {
        if let last = timeIndex.lastEntry {
            maxTimestampSoFar = last.timestamp
            offsetOfMaxTimestampSoFar = last.offset
        }
        var next = baseOffset
        let start = offsetIndex.lookup(Int64.max).position
        var scanned = 0
        let end = try forEachBatch(from: start, to: size, chunkSize: 64 * 1024, withBytes: false) { info, _ in
            if info.maxTimestamp > maxTimestampSoFar {
                maxTimestampSoFar = info.maxTimestamp
                offsetOfMaxTimestampSoFar = info.lastOffset
            }
            next = info.nextOffset
            scanned += info.size
            return true
        }
        if case .invalid(let position, _) = end {
            // A torn tail after a clean shutdown marker cannot happen; treat it as corruption to recover.
            _ = position
            try recover()
            return try loadTail()
        }
        bytesSinceLastIndexEntry = scanned
        return next
    }

    /// Kafka's `translateOffset`: the first batch whose last offset is ≥ `target`, starting the scan at
    /// the offset index's entry for `target`.
    func translateOffset(_ target: Int64) throws(LogError) -> BatchInfo? {
        let start = offsetIndex.lookup(target).position
        var found: BatchInfo?
        _ = try forEachBatch(from: start, to: size, chunkSize: 32 * 1024, withBytes: false) { info, _ in
            if info.lastOffset >= target {
                found = info
                return false
            }
            return true
        }
        return found
    }

    /// Whole batches starting with `first`: up to `maxBytes` (at least `first` when `minOneMessage`),
    /// none whose base offset is ≥ `upperBound`. Kafka slices the file; here one `pread`.
    func read(from first: BatchInfo, maxBytes: Int, upperBound: Int64, minOneMessage: Bool) throws(LogError) -> ByteBuffer {
        guard first.baseOffset < upperBound else { return ByteBuffer() }
        var want = min(maxBytes, size - first.position)
        if minOneMessage && first.size > want { want = first.size }
        guard want >= first.size else { return ByteBuffer() }
        let chunk = try log.read(count: want, at: first.position)
        var end = chunk.readerIndex
        while let header = BatchInfo(buffer: chunk, at: end, position: 0), header.isPlausible,
            end + header.size <= chunk.writerIndex, header.baseOffset < upperBound
        {
            end += header.size
        }
        return chunk.getSlice(at: chunk.readerIndex, length: end - chunk.readerIndex)!
    }

    /// Kafka's `LogSegment.findOffsetByTimestamp`: the first record at or after `startingOffset` whose
    /// timestamp is ≥ `timestamp`, located through the time index then the offset index.
    func findOffsetByTimestamp(_ timestamp: Int64, startingOffset: Int64) throws(LogError) -> (offset: Int64, timestamp: Int64)? {
        let indexed = timeIndex.lookup(timestamp)
        let start = offsetIndex.lookup(max(indexed.offset, startingOffset)).position
        var result: (offset: Int64, timestamp: Int64)?
        var failure: LogError?
        _ = try forEachBatch(from: start, to: size, chunkSize: 64 * 1024, withBytes: true) { info, bytes in
            guard info.maxTimestamp >= timestamp, info.lastOffset >= startingOffset, let bytes else { return true }
            let batch: RecordBatch
            do {
                var buffer = bytes
                batch = try RecordBatch(from: &buffer, verifyCRC: false)
            } catch let error as KafkaProtocolError {
                if case .unsupportedCompression = error.kind {
                    // An undefined codec (bits 5–7; Produce refuses them, so only a log written by something
                    // else holds one): the batch is the answer's batch, its first offset the closest answer.
                    if info.baseOffset >= startingOffset { result = (info.baseOffset, info.maxTimestamp) }
                    return result == nil
                }
                failure = .corruptRecord("batch at position \(info.position) of \(log.path): \(error)")
                return false
            } catch {
                failure = .corruptRecord("batch at position \(info.position) of \(log.path): \(error)")
                return false
            }
            let appendTime = batch.header.attributes.timestampType == .logAppendTime
            for record in batch.records {
                let offset = info.baseOffset + Int64(record.offsetDelta)
                let ts = appendTime ? batch.header.maxTimestamp : batch.header.baseTimestamp + record.timestampDelta
                if ts >= timestamp && offset >= startingOffset {
                    result = (offset, ts)
                    return false
                }
            }
            return true
        }
        if let failure { throw failure }
        return result
    }

    /// Kafka's `LogSegment.truncateTo`: cuts the file at the batch containing `offset` (whole batches
    /// only) and trims the indexes. Returns the cut batch (nil when nothing is at or after `offset`).
    func truncate(to offset: Int64) throws(LogError) -> BatchInfo? {
        guard let cut = try translateOffset(offset) else { return nil }
        try offsetIndex.truncate(toOffset: cut.baseOffset)
        try timeIndex.truncate(toOffset: cut.baseOffset)
        try log.truncate(to: cut.position)
        size = cut.position
        maxTimestampSoFar = -1
        offsetOfMaxTimestampSoFar = baseOffset
        if size == 0 { rollingBasedTimestamp = nil }
        _ = try loadTail()
        return cut
    }

    /// Kafka's `timeWaitedForRoll`: age by the first batch's max timestamp, else by creation time.
    func timeWaitedForRoll(nowMs: Int64, messageTimestamp: Int64) throws(LogError) -> Int64 {
        if rollingBasedTimestamp == nil && size > 0 {
            let header = try log.read(count: 61, at: 0)
            rollingBasedTimestamp = BatchInfo(buffer: header, at: 0, position: 0)?.maxTimestamp ?? -1
        }
        if let t = rollingBasedTimestamp, t >= 0 { return messageTimestamp - t }
        return nowMs - createdMs
    }

    /// Kafka's `onBecomeInactiveSegment`/close: records the segment's max timestamp in the time index.
    func appendFinalTimeIndexEntry() throws(LogError) {
        guard size > 0, maxTimestampSoFar >= 0 else { return }
        try timeIndex.maybeAppend(timestamp: maxTimestampSoFar, offset: offsetOfMaxTimestampSoFar, skipFullCheck: true)
    }

    func flush() throws(LogError) {
        try log.sync()
        try offsetIndex.flush()
        try timeIndex.flush()
    }

    /// Closes the files' descriptors without ending the segment: the next access reopens them.
    /// Loading a log (and recovering it) reads its files; releasing them afterwards keeps a broker
    /// with many idle partitions within its descriptor limit.
    func releaseDescriptors() throws(LogError) {
        try log.close()
        try offsetIndex.file.close()
        try timeIndex.file.close()
    }

    func close() throws(LogError) {
        try appendFinalTimeIndexEntry()
        try offsetIndex.close()
        try timeIndex.close()
        try log.close()
    }

    var filePaths: [String] {
        [log.path, offsetIndex.file.path, timeIndex.file.path]
    }

    /// Closes the descriptors and renames the files with the `.deleted` suffix (Kafka's
    /// `changeFileSuffixes("", Log.DeletedFileSuffix)`); returns the new paths.
    func closeAndRenameForDeletion() throws(LogError) -> [String] {
        try log.close()
        try offsetIndex.file.close()
        try timeIndex.file.close()
        var renamed: [String] = []
        // An empty segment's files may never have been created.
        for path in filePaths where size > 0 || FileSystem.exists(path) {
            try FileSystem.rename(path, path + LogFileNames.deletedSuffix)
            renamed.append(path + LogFileNames.deletedSuffix)
        }
        return renamed
    }
}
