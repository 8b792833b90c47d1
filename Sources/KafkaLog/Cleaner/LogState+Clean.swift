import KafkaProtocol
import NIOCore

extension LogState {
    var segmentSummaries: [SegmentSummary] {
        segments.map { SegmentSummary(baseOffset: $0.baseOffset, size: $0.size, largestTimestamp: $0.largestTimestamp) }
    }

    /// Kafka's `Cleaner.doClean`: builds the offset map over the dirty section, then rewrites every
    /// segment from the start of the log up to the map's end, group by group, keeping only records
    /// that are the latest for their key (or beyond the map), and tombstones until the delete horizon.
    /// Offsets never change; the leader epoch cache and the log start offset are untouched.
    mutating func clean(
        _ toClean: CleanableLog, mapMemory: Int, loadFactor: Double, nowMs: Int64, crashPoint: CleanerCrashPoint?
    ) throws -> CleanerStats {
        try ensureOpen()
        clockMs = max(clockMs, nowMs)
        var map = OffsetMap(memory: mapMemory, loadFactor: loadFactor)
        let endOffset = try buildOffsetMap(&map, from: toClean.firstDirtyOffset, to: toClean.firstUncleanableOffset)
        var stats = CleanerStats(endOffset: endOffset)
        stats.mapRecords = Int64(map.size)
        // Kafka: the last segment of logSegments(0, firstDirtyOffset) dates the delete horizon.
        let lastClean = segments.last { $0.baseOffset < toClean.firstDirtyOffset }
        let horizon = CleanerRetainRule.deleteHorizonMs(
            lastCleanSegmentLastModifiedMs: lastClean?.lastModifiedMs, deleteRetentionMs: config.deleteRetentionMs)
        let candidates = Array(segments.dropLast().filter { $0.baseOffset < endOffset })
        let nextOffsets = candidates.indices.map { i in
            i + 1 < segments.count ? segments[i + 1].baseOffset : logEndOffset
        }
        let summaries = candidates.map {
            SegmentSummary(baseOffset: $0.baseOffset, size: $0.size, largestTimestamp: $0.largestTimestamp)
        }
        for group in CleanerSelection.groupBySize(summaries, nextOffsets: nextOffsets, maxSize: config.segmentBytes) {
            try cleanSegments(group.map { candidates[$0] }, map: map, deleteHorizonMs: horizon, stats: &stats, crashPoint: crashPoint)
        }
        return stats
    }

    /// Kafka's `buildOffsetMap`: every keyed record in [from, to), batch by batch, until the map is
    /// full. Returns where the map ends (the next pass's first dirty offset).
    private func buildOffsetMap(_ map: inout OffsetMap, from: Int64, to: Int64) throws(LogError) -> Int64 {
        for segment in segments.dropLast() {
            let next = segments.first { $0.baseOffset > segment.baseOffset }?.baseOffset ?? logEndOffset
            guard next > from, segment.baseOffset < to else { continue }
            var stoppedAt: Int64?
            _ = try segment.forEachBatch(from: 0, to: segment.size, chunkSize: 1 << 20, withBytes: true) {
                (info, bytes) throws(LogError) in
                if info.lastOffset < from { return true }
                if info.baseOffset >= to { return false }
                if map.isFull {
                    stoppedAt = info.baseOffset
                    return false
                }
                let batch = try Self.decode(bytes, info, segment)
                for record in batch.records {
                    let offset = info.baseOffset + Int64(record.offsetDelta)
                    if let key = record.key, offset >= from, offset < to { map.put(key: key, offset: offset) }
                }
                map.updateLatestOffset(info.lastOffset)
                return true
            }
            if let stoppedAt { return stoppedAt }
        }
        return to
    }

    static func decode(_ bytes: ByteBuffer?, _ info: BatchInfo, _ segment: LogSegment) throws(LogError) -> RecordBatch {
        guard var buffer = bytes else { throw .corruptRecord("no bytes for batch at \(info.position) of \(segment.log.path)") }
        do { return try RecordBatch(from: &buffer, verifyCRC: false) } catch {
            throw .corruptRecord("batch at position \(info.position) of \(segment.log.path): \(error)")
        }
    }

    /// Kafka's `Cleaner.cleanSegments` + `Log.replaceSegments`: writes `<base>.log.cleaned`, fsyncs
    /// it, renames it `<base>.log.swap` (the commit point: recovery completes the swap from here),
    /// deletes the old segments, then renames the swap to `<base>.log` and rebuilds its indexes.
    private mutating func cleanSegments(
        _ group: [LogSegment], map: OffsetMap, deleteHorizonMs: Int64, stats: inout CleanerStats,
        crashPoint: CleanerCrashPoint?
    ) throws {
        let base = group[0].baseOffset
        let logPath = LogFileNames.logFile(directory, base)
        let cleanedPath = logPath + LogFileNames.cleanedSuffix
        let swapPath = logPath + LogFileNames.swapSuffix
        try FileSystem.remove(cleanedPath)
        let out = try PosixFile.open(cleanedPath, create: true)
        var position = 0
        for segment in group {
            let retainDeletes = CleanerRetainRule.retainDeletes(
                segmentLastModifiedMs: segment.lastModifiedMs, deleteHorizonMs: deleteHorizonMs)
            _ = try segment.forEachBatch(from: 0, to: segment.size, chunkSize: 1 << 20, withBytes: true) {
                (info, bytes) throws(LogError) in
                stats.bytesRead += Int64(info.size)
                stats.recordsRead += Int64(info.recordCount)
                let batch = try Self.decode(bytes, info, segment)
                var written: ByteBuffer?
                switch CleanerBatchFilter.filter(batch, map: map, retainDeletes: retainDeletes) {
                case .keepOriginal:
                    written = bytes
                    stats.recordsWritten += Int64(info.recordCount)
                case .drop:
                    break
                case .rewritten(let rebuilt):
                    do { written = try rebuilt.encoded() } catch {
                        throw .corruptRecord("re-encoding batch at \(info.baseOffset) of \(segment.log.path): \(error)")
                    }
                    stats.recordsWritten += Int64(rebuilt.records.count)
                }
                if let written {
                    try out.write(written, at: position)
                    position += written.readableBytes
                    stats.bytesWritten += Int64(written.readableBytes)
                }
                return true
            }
        }
        try out.sync()
        try out.close()
        try FileSystem.syncDirectory(directory)
        if crashPoint == .afterCleanedWritten { throw SimulatedCrash(point: .afterCleanedWritten) }

        try FileSystem.rename(cleanedPath, swapPath)
        try FileSystem.syncDirectory(directory)
        if crashPoint == .afterSwapRenamed { throw SimulatedCrash(point: .afterSwapRenamed) }

        // Readers hold the log's lock, as this pass does, so the old files can go at once
        // (Kafka renames them `.deleted` and removes them later).
        let lastModified = group[group.count - 1].lastModifiedMs
        let ids = Set(group.map { ObjectIdentifier($0) })
        segments.removeAll { ids.contains(ObjectIdentifier($0)) }
        for segment in group {
            for path in try segment.closeAndRenameForDeletion() { try FileSystem.remove(path) }
        }
        if crashPoint == .afterOldSegmentsDeleted { throw SimulatedCrash(point: .afterOldSegmentsDeleted) }

        try FileSystem.rename(swapPath, logPath)
        try FileSystem.syncDirectory(directory)
        let cleaned = try LogSegment(directory: directory, baseOffset: base, config: config, nowMs: clockMs)
        try cleaned.recover()
        try cleaned.appendFinalTimeIndexEntry()
        try cleaned.flush()
        // Kafka keeps the last modified time of the newest replaced segment (it dates tombstones).
        try FileSystem.setModificationTimeMs(logPath, lastModified)
        cleaned.lastModifiedMs = lastModified
        try cleaned.releaseDescriptors()
        let index = segments.firstIndex { $0.baseOffset > base } ?? segments.count
        segments.insert(cleaned, at: index)
    }
}
