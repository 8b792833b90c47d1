import Foundation
import KafkaModel
import KafkaProtocol
import Logging
import NIOCore
import Testing

@testable import KafkaLog

@Suite(.tags(.unit)) struct LogCleanerTests {
    /// 300 single-record batches over 5 keys, value = "v<offset>".
    func overwrite(_ log: PartitionLog, count: Int = 300, from start: Int = 0) throws {
        for i in start..<(start + count) {
            _ = try log.appendAsLeader([keyedBatch([("k\(i % 5)", "v\(i)")], timestamp: 1_000 + Int64(i))], leaderEpoch: 3, nowMs: 1_000)
        }
    }

    @Test func overwrittenKeys_compactToTheLatestPerKey_offsetsPreserved() throws {
        let dir = TemporaryDirectory()
        let log = try openLog(dir.path, config: compactConfig)
        try overwrite(log)
        let segmentsBefore = log.segmentBaseOffsets.count
        let activeBase = log.segmentBaseOffsets.last!
        let endBefore = log.logEndOffset
        let epochsBefore = log.leaderEpochCache
        #expect(segmentsBefore > 5)
        let stats = try cleanOnce(log, nowMs: 2_000)
        #expect(stats.endOffset == activeBase)
        #expect(stats.bytesWritten < stats.bytesRead)

        let (records, _) = try readAll(log)
        let cleaned = records.filter { $0.offset < activeBase }
        #expect(cleaned.count == 5)
        for record in records { #expect(record.value == "v\(record.offset)") }  // offsets preserved
        for record in cleaned {
            // The latest occurrence of its key below the active segment.
            let latest = (0..<Int(activeBase)).last { $0 % 5 == Int(record.key.dropFirst())! }!
            #expect(record.offset == Int64(latest))
        }
        #expect(records.map(\.offset) == records.map(\.offset).sorted())
        #expect(log.logEndOffset == endBefore)
        #expect(log.logStartOffset == 0)
        #expect(log.leaderEpochCache == epochsBefore)

        // Reopened (clean shutdown, then a crash-style recovery) the log reads the same.
        try log.close()
        let reopened = try openLog(dir.path, config: compactConfig, highWatermark: endBefore)
        #expect(try readAll(reopened).records == records)
        try reopened.close()
        let recovered = try openLog(dir.path, config: compactConfig, highWatermark: endBefore, clean: false)
        #expect(try readAll(recovered).records == records)
        #expect(recovered.leaderEpochCache == epochsBefore)
    }

    @Test func secondPass_cleansTheNewDirtySection() throws {
        let dir = TemporaryDirectory()
        let log = try openLog(dir.path, config: compactConfig)
        try overwrite(log)
        let first = try cleanOnce(log, nowMs: 2_000)
        try overwrite(log, count: 300, from: 300)
        let segmentsBefore = log.segmentBaseOffsets.count
        let second = try cleanOnce(log, checkpoint: first.endOffset, nowMs: 3_000)
        #expect(second.endOffset > first.endOffset)
        let records = try readAll(log).records.filter { $0.offset < second.endOffset }
        #expect(records.count == 5)
        #expect(Set(records.map(\.key)).count == 5)
        #expect(log.segmentBaseOffsets.count < segmentsBefore)  // the small cleaned segments are merged
    }

    @Test func truncationBelowTheCheckpoint_makesTheReappendedRecordsDirty() throws {
        let dir = TemporaryDirectory()
        let log = try openLog(dir.path, config: compactConfig)
        try overwrite(log)
        let pass = try cleanOnce(log, nowMs: 2_000)
        try log.truncate(to: pass.endOffset - 3)  // a follower truncated by its new leader
        try overwrite(log, count: 100, from: Int(log.logEndOffset))
        #expect(log.cleanableLog(checkpointedDirtyOffset: pass.endOffset, nowMs: 3_000)?.firstDirtyOffset == pass.endOffset - 3)
        // Seen once: the cleaner keeps the lowered checkpoint from then on.
        #expect(log.cleanableLog(checkpointedDirtyOffset: pass.endOffset, nowMs: 3_000)?.firstDirtyOffset == pass.endOffset)
    }

    @Test func tombstones_stayUntilDeleteRetentionAfterCleaning_thenGo() throws {
        let dir = TemporaryDirectory()
        // One batch per segment (segment.bytes below two batches).
        let config = LogConfig(segmentBytes: 120, fileDeleteDelayMs: 0, compact: true, minCleanableDirtyRatio: 0.01, deleteRetentionMs: 1_000)
        let log = try openLog(dir.path, config: config)
        func append(_ key: String, _ value: String?, at now: Int64) throws {
            _ = try log.appendAsLeader([keyedBatch([(key, value)], timestamp: now)], leaderEpoch: 1, nowMs: now)
        }
        try append("k1", "a", at: 1_000)
        try append("k2", "b", at: 1_000)
        try append("k1", nil, at: 1_000)
        try append("k3", "c", at: 3_000)
        let pass1 = try cleanOnce(log, nowMs: 3_000)
        #expect(try readAll(log).records.map(\.value) == ["b", nil, "c"])
        try append("k4", "d", at: 3_000)
        let pass2 = try cleanOnce(log, checkpoint: pass1.endOffset, nowMs: 3_000)
        // The last cleaned segment is still the tombstone's (modified at 1_000): horizon 0, kept.
        #expect(try readAll(log).records.contains { $0.key == "k1" && $0.value == nil })
        try append("k5", "e", at: 4_000)
        _ = try cleanOnce(log, checkpoint: pass2.endOffset, nowMs: 4_000)
        // Now the cleaned section ends with k3's segment (3_000): horizon 2_000 > 1_000, removed.
        let records = try readAll(log).records
        #expect(!records.contains { $0.key == "k1" })
        #expect(records.map(\.key) == ["k2", "k3", "k4", "k5"])
        #expect(records.map(\.offset) == [1, 3, 4, 5])
    }

    @Test(arguments: [CompressionCodec.gzip, .snappy, .lz4, .zstd])
    func compressedBatches_areRecompressedWithTheirCodec(codec: CompressionCodec) throws {
        let dir = TemporaryDirectory()
        let log = try openLog(dir.path, config: compactConfig)
        for b in 0..<40 {
            let records = (0..<5).map { i in ("k\((b * 5 + i) % 7)", Optional("v\(b * 5 + i)")) }
            _ = try log.appendAsLeader([keyedBatch(records, timestamp: 1_000, compression: codec)], leaderEpoch: 9, nowMs: 1_000)
        }
        let activeBase = log.segmentBaseOffsets.last!
        try cleanOnce(log, nowMs: 2_000)
        let (records, batches) = try readAll(log)
        #expect(records.filter { $0.offset < activeBase }.count == 7)
        for record in records { #expect(record.value == "v\(record.offset)") }
        for batch in batches {
            #expect(batch.header.attributes.compression == codec)
            #expect(batch.header.partitionLeaderEpoch == 9)
            #expect(batch.header.lastOffsetDelta == 4)  // the original batch's last offset is kept
            for record in batch.records { #expect(record.headers.count == 1) }
        }
    }

    @Test(arguments: [CleanerCrashPoint.afterCleanedWritten, .afterSwapRenamed, .afterOldSegmentsDeleted])
    func crashDuringCleaning_recoversToOldOrNewSegments(point: CleanerCrashPoint) throws {
        let dir = TemporaryDirectory()
        let log = try openLog(dir.path, config: compactConfig)
        try overwrite(log, count: 100)
        let before = try readAll(log).records
        let end = log.logEndOffset
        let epochs = log.leaderEpochCache
        #expect(throws: SimulatedCrash(point: point)) { try cleanOnce(log, nowMs: 2_000, crashPoint: point) }

        let recovered = try openLog(dir.path, config: compactConfig, highWatermark: end, clean: false)
        let after = try readAll(recovered).records
        #expect(recovered.logEndOffset == end)
        #expect(recovered.leaderEpochCache == epochs)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/my-topic-0")
            .filter { $0.hasSuffix(".cleaned") || $0.hasSuffix(".swap") || $0.hasSuffix(".deleted") }
        #expect(leftovers.isEmpty)
        if point == .afterCleanedWritten {
            #expect(after == before)  // the old segments
        } else {
            #expect(after.count < before.count)  // the cleaned segments
            // Nothing lost: the latest value of every key is still there.
            for k in 0..<5 {
                #expect(after.last { $0.key == "k\(k)" } == before.last { $0.key == "k\(k)" })
            }
            #expect(after.map(\.offset) == after.map(\.offset).sorted())
        }
        // The recovered log cleans to the same result as an uninterrupted pass.
        try cleanOnce(recovered, nowMs: 3_000)
        let activeBase = recovered.segmentBaseOffsets.last!
        #expect(try readAll(recovered).records.filter { $0.offset < activeBase }.count == 5)
    }

    @Test func logCleaner_picksCompactedLogs_andWritesTheCleanerCheckpoint() throws {
        let dir = TemporaryDirectory()
        let manager = try LogManager(logDirs: [dir.path], config: LogConfig(), logger: Logger(label: "test"), nowMs: { 5_000 })
        let compacted = try manager.getOrCreateLog(TopicPartition(topic: "compacted", partition: 0))
        compacted.updateConfig(compactConfig)
        let plain = try manager.getOrCreateLog(TopicPartition(topic: "plain", partition: 0))
        var plainConfig = compactConfig
        plainConfig.compact = false
        plain.updateConfig(plainConfig)
        try overwrite(compacted)
        try overwrite(plain)
        compacted.updateHighWatermark(compacted.logEndOffset)
        plain.updateHighWatermark(plain.logEndOffset)
        let plainBefore = try readAll(plain).records

        let cleaner = LogCleaner(
            config: CleanerConfig(dedupeBufferSize: 1 << 20), logDirs: [dir.path], logger: Logger(label: "test"),
            nowMs: { 5_000 }, logs: { manager.logsWithDirs })
        let stats = try #require(try cleaner.cleanFilthiestLog())
        #expect(cleaner.gauges.maxDirtyPercent == 100)
        #expect(cleaner.gauges.passes == 1)
        #expect(cleaner.gauges.cleanerRecopyPercent < 100)
        #expect(try cleaner.cleanFilthiestLog() == nil)  // nothing dirty left
        #expect(try readAll(plain).records == plainBefore)
        let checkpoint = String(decoding: fileBytes(dir.path + "/cleaner-offset-checkpoint"), as: UTF8.self)
        #expect(checkpoint == "0\n1\ncompacted 0 \(stats.endOffset)\n")
        // A new cleaner (a restart) starts from the checkpoint.
        let restarted = LogCleaner(
            config: CleanerConfig(dedupeBufferSize: 1 << 20), logDirs: [dir.path], logger: Logger(label: "test"),
            nowMs: { 5_000 }, logs: { manager.logsWithDirs })
        #expect(restarted.checkpointedOffset(TopicPartition(topic: "compacted", partition: 0)) == stats.endOffset)
        try manager.shutdown()
    }

    @Test func followerAppend_acceptsTheGapsOfACompactedLeader() throws {
        let dir = TemporaryDirectory()
        let leader = try openLog(dir.path, config: compactConfig)
        try overwrite(leader)
        try cleanOnce(leader, nowMs: 2_000)
        let followerDir = TemporaryDirectory()
        let follower = try openLog(followerDir.path, config: compactConfig)
        while follower.logEndOffset < leader.logEndOffset {
            let info = try leader.read(
                startOffset: follower.logEndOffset, maxBytes: 4_096, upperBound: leader.logEndOffset, minOneMessage: true)
            try #require(info.records.readableBytes > 0)
            _ = try follower.appendAsFollower(info.records, nowMs: 2_000)
        }
        #expect(try readAll(follower).records == readAll(leader).records)
    }
}
