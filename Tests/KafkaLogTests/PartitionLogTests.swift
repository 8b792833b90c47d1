import Foundation
import KafkaModel
import KafkaProtocol
import NIOCore
import Testing

@testable import KafkaLog

@Suite(.tags(.unit)) struct PartitionLogTests {
    @Test func appendAndReadRoundTripAssignsOffsets() throws {
        let tmp = TemporaryDirectory()
        let log = try openLog(tmp.path)
        let infos = try appendBatches(log, 3)
        #expect(infos.map(\.firstOffset) == [0, 5, 10])
        #expect(infos.map(\.lastOffset) == [4, 9, 14])
        #expect(infos[0].recordCount == 5)
        #expect(log.logEndOffset == 15)
        let read = try log.read(startOffset: 0, maxBytes: 1 << 20, upperBound: 15, minOneMessage: true)
        #expect(read.firstBatchOffset == 0)
        let views = try batches(in: read.records)
        #expect(views.map(\.header.baseOffset) == [0, 5, 10])
        #expect(views.allSatisfy { $0.header.partitionLeaderEpoch == 3 })
        for view in views { try view.validate() }
        let decoded = try views[1].decode()
        #expect(decoded.records.count == 5)
        #expect(decoded.records[2].value == [UInt8](repeating: 2, count: 100))
        #expect(log.sizeInBytes == Int64(read.records.readableBytes))
        try log.close()
    }

    @Test func readMidLogUsesIndexAndReturnsContainingBatch() throws {
        let tmp = TemporaryDirectory()
        let log = try openLog(tmp.path, config: LogConfig(indexIntervalBytes: 1))
        try appendBatches(log, 50)
        let read = try log.read(startOffset: 137, maxBytes: 1, upperBound: 250, minOneMessage: true)
        #expect(read.firstBatchOffset == 135)
        #expect(try batches(in: read.records).map(\.header.baseOffset) == [135])
        let tail = try log.read(startOffset: 249, maxBytes: 1 << 20, upperBound: 250, minOneMessage: true)
        #expect(tail.firstBatchOffset == 245)
        let atEnd = try log.read(startOffset: 250, maxBytes: 1 << 20, upperBound: 250, minOneMessage: true)
        #expect(atEnd.records.readableBytes == 0 && atEnd.firstBatchOffset == nil)
    }

    @Test func readRespectsUpperBoundAndMaxBytes() throws {
        let tmp = TemporaryDirectory()
        let log = try openLog(tmp.path)
        try appendBatches(log, 4)
        let bounded = try log.read(startOffset: 0, maxBytes: 1 << 20, upperBound: 10, minOneMessage: true)
        #expect(try batches(in: bounded.records).map(\.header.baseOffset) == [0, 5])
        let none = try log.read(startOffset: 12, maxBytes: 1 << 20, upperBound: 10, minOneMessage: true)
        #expect(none.records.readableBytes == 0)
        let one = try log.read(startOffset: 0, maxBytes: 10, upperBound: 20, minOneMessage: true)
        #expect(try batches(in: one.records).count == 1)
        let zero = try log.read(startOffset: 0, maxBytes: 10, upperBound: 20, minOneMessage: false)
        #expect(zero.records.readableBytes == 0)
        let batchSize = one.records.readableBytes
        let two = try log.read(startOffset: 0, maxBytes: 2 * batchSize + 10, upperBound: 20, minOneMessage: false)
        #expect(try batches(in: two.records).count == 2)
    }

    @Test func readOutsideTheLogIsOffsetOutOfRange() throws {
        let tmp = TemporaryDirectory()
        let log = try openLog(tmp.path)
        try appendBatches(log, 2)
        #expect {
            try log.read(startOffset: 11, maxBytes: 100, upperBound: 11, minOneMessage: true)
        } throws: { error in
            guard case LogError.offsetOutOfRange(11, 0, 10) = error else { return false }
            return true
        }
        try log.truncateFullyAndStartAt(100)
        #expect(log.logStartOffset == 100 && log.logEndOffset == 100)
        #expect(throws: LogError.self) { try log.read(startOffset: 50, maxBytes: 100, upperBound: 100, minOneMessage: true) }
        let info = try log.appendAsLeader([makeBatch(count: 2, timestamp: 5)], leaderEpoch: 1, nowMs: 5)
        #expect(info.firstOffset == 100)
        #expect(log.segmentBaseOffsets == [100])
    }

    @Test func rollsBySizeAndByTime() throws {
        let tmp = TemporaryDirectory()
        let batchSize = makeBatch(count: 5, timestamp: 0).bytes.readableBytes
        let log = try openLog(tmp.path, config: LogConfig(segmentBytes: batchSize * 3))
        try appendBatches(log, 7)
        #expect(log.segmentBaseOffsets == [0, 15, 30])
        #expect(throws: LogError.self) {
            try log.appendAsLeader([makeBatch(count: 100, timestamp: 0)], leaderEpoch: 0, nowMs: 0)
        }
        let all = try log.read(startOffset: 16, maxBytes: 1 << 20, upperBound: 35, minOneMessage: true)
        #expect(all.firstBatchOffset == 15)

        let tmp2 = TemporaryDirectory()
        let timed = try openLog(tmp2.path, config: LogConfig(segmentMs: 1_000))
        _ = try timed.appendAsLeader([makeBatch(count: 1, timestamp: 10_000)], leaderEpoch: 0, nowMs: 10_000)
        _ = try timed.appendAsLeader([makeBatch(count: 1, timestamp: 10_900)], leaderEpoch: 0, nowMs: 10_900)
        #expect(timed.segmentBaseOffsets == [0])
        _ = try timed.appendAsLeader([makeBatch(count: 1, timestamp: 11_500)], leaderEpoch: 0, nowMs: 11_500)
        #expect(timed.segmentBaseOffsets == [0, 2])
    }

    @Test func indexFilesHoldKafkaFormattedEntries() throws {
        let tmp = TemporaryDirectory()
        let log = try openLog(tmp.path, config: LogConfig(indexIntervalBytes: 1))
        try appendBatches(log, 4, timestamp: 1_000)
        try log.close()
        let batchSize = makeBatch(count: 5, timestamp: 0).bytes.readableBytes
        let index = fileBytes(segmentPath(tmp.path, 0, ".index"))
        // An entry after every batch but the first: (last offset of the batch − base, its position).
        #expect(index.count == 3 * 8)
        for entry in 0..<3 {
            #expect(bigEndian(index, at: entry * 8, as: UInt32.self) == UInt32(5 * (entry + 1) + 4))
            #expect(bigEndian(index, at: entry * 8 + 4, as: UInt32.self) == UInt32(batchSize * (entry + 1)))
        }
        let timeIndex = fileBytes(segmentPath(tmp.path, 0, ".timeindex"))
        #expect(timeIndex.count == 3 * 12)
        #expect(bigEndian(timeIndex, at: 0, as: Int64.self) == 1_009)
        #expect(bigEndian(timeIndex, at: 8, as: UInt32.self) == 9)
        #expect(bigEndian(timeIndex, at: 24, as: Int64.self) == 1_019)
        #expect(FileManager.default.fileExists(atPath: segmentPath(tmp.path, 0, ".log")))
    }

    @Test func offsetForTimestampUsesTheTimeIndex() throws {
        let tmp = TemporaryDirectory()
        let batchSize = makeBatch(count: 5, timestamp: 0).bytes.readableBytes
        let log = try openLog(tmp.path, config: LogConfig(segmentBytes: batchSize * 4, indexIntervalBytes: 1))
        try appendBatches(log, 10, timestamp: 1_000)  // record n has timestamp 1000 + n
        #expect(log.segmentBaseOffsets.count == 3)
        #expect(try log.offset(forTimestamp: -2)! == (0, -1))
        #expect(try log.offset(forTimestamp: -1)! == (50, -1))
        #expect(try log.offset(forTimestamp: 0)! == (0, 1_000))
        #expect(try log.offset(forTimestamp: 1_027)! == (27, 1_027))
        #expect(try log.offset(forTimestamp: 1_049)! == (49, 1_049))
        #expect(try log.offset(forTimestamp: 1_050) == nil)
    }

    @Test func truncateDropsSegmentsAndCutsAtBatchBoundaries() throws {
        let tmp = TemporaryDirectory()
        let batchSize = makeBatch(count: 5, timestamp: 0).bytes.readableBytes
        let log = try openLog(tmp.path, config: LogConfig(segmentBytes: batchSize * 2, indexIntervalBytes: 1))
        try appendBatches(log, 6)
        log.updateHighWatermark(30)
        #expect(log.segmentBaseOffsets == [0, 10, 20])
        try log.truncate(to: 12)  // inside the batch 10…14: whole batches only
        #expect(log.logEndOffset == 10)
        #expect(log.highWatermark == 10)
        #expect(log.segmentBaseOffsets == [0, 10])
        let info = try log.appendAsLeader([makeBatch(count: 5, timestamp: 9_000)], leaderEpoch: 4, nowMs: 9_000)
        #expect(info.firstOffset == 10)
        let read = try log.read(startOffset: 10, maxBytes: 1 << 20, upperBound: 15, minOneMessage: true)
        #expect(try batches(in: read.records).map(\.header.partitionLeaderEpoch) == [4])
        try log.truncate(to: 0)
        #expect(log.logEndOffset == 0 && log.segmentBaseOffsets == [0] && log.sizeInBytes == 0)
    }

    @Test func tornTailIsTruncatedOnRecovery() throws {
        let tmp = TemporaryDirectory()
        do {
            let log = try openLog(tmp.path)
            try appendBatches(log, 3)
            try log.flush()
            // No close: the broker died. Chop the last batch in half.
        }
        let path = segmentPath(tmp.path, 0, ".log")
        let bytes = fileBytes(path)
        let batchSize = bytes.count / 3
        try Data(bytes[0..<(2 * batchSize + batchSize / 2)]).write(to: URL(fileURLWithPath: path))
        let log = try openLog(tmp.path, recoveryPoint: 0, clean: false)
        #expect(log.logEndOffset == 10)
        #expect(fileBytes(path).count == 2 * batchSize)
        let info = try log.appendAsLeader([makeBatch(count: 5, timestamp: 1)], leaderEpoch: 0, nowMs: 1)
        #expect(info.firstOffset == 10)
        let read = try log.read(startOffset: 0, maxBytes: 1 << 20, upperBound: 15, minOneMessage: true)
        #expect(try batches(in: read.records).map(\.header.baseOffset) == [0, 5, 10])
    }

    @Test func cleanShutdownSkipsRecoveryButUncleanChecksCRCs() throws {
        let tmp = TemporaryDirectory()
        let log = try openLog(tmp.path)
        try appendBatches(log, 3)
        try log.close()
        // Flip a payload byte of the second batch: only a CRC check can notice.
        let path = segmentPath(tmp.path, 0, ".log")
        var bytes = fileBytes(path)
        let batchSize = bytes.count / 3
        bytes[batchSize + 80] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let clean = try openLog(tmp.path, clean: true)
        #expect(clean.logEndOffset == 15)
        #expect(clean.recoveryPoint == 15)
        try clean.close()
        let recovered = try openLog(tmp.path, recoveryPoint: 0, clean: false)
        #expect(recovered.logEndOffset == 5)
        #expect(recovered.recoveryPoint == 0)
    }

    @Test func missingIndexIsRebuilt() throws {
        let tmp = TemporaryDirectory()
        let log = try openLog(tmp.path, config: LogConfig(indexIntervalBytes: 1))
        try appendBatches(log, 5)
        try log.close()
        let indexPath = segmentPath(tmp.path, 0, ".index")
        let original = fileBytes(indexPath)
        try FileManager.default.removeItem(atPath: indexPath)
        let reopened = try openLog(tmp.path, config: LogConfig(indexIntervalBytes: 1))
        #expect(fileBytes(indexPath) == original)
        #expect(try reopened.read(startOffset: 17, maxBytes: 1, upperBound: 25, minOneMessage: true).firstBatchOffset == 15)
    }

    @Test func followerAppendKeepsOffsetsAndSkipsDuplicates() throws {
        let tmp = TemporaryDirectory()
        let leader = try openLog(tmp.path)
        try appendBatches(leader, 4, epoch: 7)
        let fetched = try leader.read(startOffset: 0, maxBytes: 1 << 20, upperBound: 20, minOneMessage: true).records
        let tmp2 = TemporaryDirectory()
        let follower = try openLog(tmp2.path)
        let first = try follower.appendAsFollower(fetched.getSlice(at: 0, length: fetched.readableBytes / 2)!, nowMs: 1)
        #expect(first?.firstOffset == 0 && first?.lastOffset == 9)
        // The whole chunk again: the first two batches are already there and are skipped.
        let second = try follower.appendAsFollower(fetched, nowMs: 2)
        #expect(second?.firstOffset == 10 && second?.lastOffset == 19)
        #expect(try follower.appendAsFollower(fetched, nowMs: 3) == nil)
        let copy = try follower.read(startOffset: 0, maxBytes: 1 << 20, upperBound: 20, minOneMessage: true).records
        #expect(copy == fetched)
        // A batch starting above the log end offset is accepted (a compacted leader's log has gaps;
        // Kafka only refuses offsets going backwards); one overlapping the log end offset is an error.
        let gap = try leader.read(startOffset: 0, maxBytes: 1 << 20, upperBound: 20, minOneMessage: true).records
        let tmp3 = TemporaryDirectory()
        let other = try openLog(tmp3.path)
        let batchSize = gap.readableBytes / 4
        let afterGap = try other.appendAsFollower(gap.getSlice(at: batchSize, length: batchSize)!, nowMs: 1)
        #expect(afterGap?.firstOffset == 5 && other.logEndOffset == 10)
        let tmp4 = TemporaryDirectory()
        let overlapped = try openLog(tmp4.path)
        try overlapped.truncateFullyAndStartAt(7)
        #expect(throws: LogError.self) {
            try overlapped.appendAsFollower(gap.getSlice(at: batchSize, length: batchSize)!, nowMs: 1)
        }
        var corrupt = gap.getSlice(at: 0, length: batchSize)!
        corrupt.setInteger(UInt8(0x55), at: batchSize - 1)
        #expect {
            try other.appendAsFollower(corrupt, nowMs: 1)
        } throws: { error in
            guard case LogError.corruptRecord = error else { return false }
            return true
        }
    }

    @Test func retentionByTimeDeletesOldSegmentsBelowHighWatermark() throws {
        let tmp = TemporaryDirectory()
        let batchSize = makeBatch(count: 5, timestamp: 0).bytes.readableBytes
        let config = LogConfig(segmentBytes: batchSize * 2, retentionMs: 10_000, fileDeleteDelayMs: 1_000)
        let log = try openLog(tmp.path, config: config)
        try appendBatches(log, 4, timestamp: 1_000)  // segments [0: ts ≤ 1009], [10: ts ≤ 1019]
        _ = try log.appendAsLeader([makeBatch(count: 5, timestamp: 50_000)], leaderEpoch: 0, nowMs: 50_000)
        #expect(log.segmentBaseOffsets == [0, 10, 20])
        // Nothing below the high watermark yet.
        #expect(try log.deleteOldSegments(nowMs: 60_000) == 0)
        log.updateHighWatermark(25)
        #expect(try log.deleteOldSegments(nowMs: 60_000) == 2)
        #expect(log.segmentBaseOffsets == [20])
        #expect(log.logStartOffset == 20)
        #expect(throws: LogError.self) { try log.read(startOffset: 5, maxBytes: 100, upperBound: 25, minOneMessage: true) }
        let deleted = segmentPath(tmp.path, 0, ".log.deleted")
        #expect(FileManager.default.fileExists(atPath: deleted))
        try log.flushIfDue(nowMs: 60_500)
        #expect(FileManager.default.fileExists(atPath: deleted))
        try log.flushIfDue(nowMs: 61_000)
        #expect(!FileManager.default.fileExists(atPath: deleted))
        // The active segment goes too once it has expired: a new empty one is rolled first.
        #expect(try log.deleteOldSegments(nowMs: 70_000) == 1)
        #expect(log.segmentBaseOffsets == [25])
        #expect(log.logStartOffset == 25 && log.logEndOffset == 25)
    }

    @Test func retentionByBytesKeepsTheLogUnderTheLimit() throws {
        let tmp = TemporaryDirectory()
        let batchSize = makeBatch(count: 5, timestamp: 0).bytes.readableBytes
        let config = LogConfig(
            segmentBytes: batchSize * 2, retentionMs: -1, retentionBytes: Int64(batchSize * 5), fileDeleteDelayMs: 0)
        let log = try openLog(tmp.path, config: config)
        try appendBatches(log, 9)
        log.updateHighWatermark(45)
        #expect(log.segmentBaseOffsets == [0, 10, 20, 30, 40])
        #expect(try log.deleteOldSegments(nowMs: 1_000_000) == 2)
        #expect(log.segmentBaseOffsets == [20, 30, 40])
        #expect(log.logStartOffset == 20)
        #expect(log.sizeInBytes == Int64(batchSize * 5))
        #expect(!FileManager.default.fileExists(atPath: segmentPath(tmp.path, 0, ".log.deleted")))
        #expect(!FileManager.default.fileExists(atPath: segmentPath(tmp.path, 0, ".log")))
    }

    @Test func flushAdvancesRecoveryPointAndMessageIntervalFlushes() throws {
        let tmp = TemporaryDirectory()
        let log = try openLog(tmp.path, config: LogConfig(flushIntervalMessages: 10))
        try appendBatches(log, 1)
        #expect(log.recoveryPoint == 0)
        try appendBatches(log, 1)
        #expect(log.recoveryPoint == 10)
        try appendBatches(log, 1)
        try log.flush()
        #expect(log.recoveryPoint == 15)
    }
}
