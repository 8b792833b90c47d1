import Foundation
import KafkaModel
import Testing

@testable import KafkaLog

/// A new segment's files appear with its first data (see `PosixFile.segmentFile`): a LeaderAndIsr creating
/// 100,000 logs creates 100,000 directories, not 400,000 inodes.
@Suite(.tags(.unit)) struct LazySegmentFilesTests {
    private func segmentFiles(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/my-topic-0")) ?? [])
            .filter { $0.hasSuffix(".log") || $0.hasSuffix(".index") || $0.hasSuffix(".timeindex") }.sorted()
    }

    @Test func aNewLogHasItsDirectoryButNoSegmentFilesUntilTheFirstAppend() throws {
        let tmp = TemporaryDirectory()
        let log = try openLog(tmp.path)
        #expect(FileManager.default.fileExists(atPath: tmp.path + "/my-topic-0"))
        #expect(segmentFiles(tmp.path).isEmpty)
        #expect(log.logEndOffset == 0)
        let read = try log.read(startOffset: 0, maxBytes: 1024, upperBound: 0, minOneMessage: true)
        #expect(read.records.readableBytes == 0)
        try appendBatches(log, 1)
        #expect(segmentFiles(tmp.path) == ["00000000000000000000.index", "00000000000000000000.log", "00000000000000000000.timeindex"])
    }

    @Test func anEmptyLogClosesFlushesAndReopensWithoutCreatingFiles() throws {
        let tmp = TemporaryDirectory()
        let log = try openLog(tmp.path)
        try log.assignLeaderEpochAtLogEnd(1)
        try log.flush()
        try log.close()
        #expect(segmentFiles(tmp.path).isEmpty)
        let reopened = try openLog(tmp.path, clean: false)
        #expect(reopened.logEndOffset == 0)
        try appendBatches(reopened, 2)
        #expect(reopened.logEndOffset == 10)
        try reopened.close()
        let again = try openLog(tmp.path)
        #expect(again.logEndOffset == 10)
    }

    @Test func truncatingAnEmptyLogFullyMovesItsStartWithoutMissingFileErrors() throws {
        let tmp = TemporaryDirectory()
        let log = try openLog(tmp.path)
        try log.truncateFullyAndStartAt(42)
        #expect(log.logStartOffset == 42 && log.logEndOffset == 42)
        #expect(segmentFiles(tmp.path).isEmpty)
        try appendBatches(log, 1)
        #expect(log.logEndOffset == 47)
        #expect(segmentFiles(tmp.path).contains("00000000000000000042.log"))
    }

    @Test func aSegmentWithDataWhoseIndexFilesAreMissingGetsThemRebuilt() throws {
        let tmp = TemporaryDirectory()
        do {
            let log = try openLog(tmp.path, config: LogConfig(indexIntervalBytes: 1))
            try appendBatches(log, 3)
            try log.close()
        }
        try FileManager.default.removeItem(atPath: segmentPath(tmp.path, 0, ".index"))
        let log = try openLog(tmp.path, config: LogConfig(indexIntervalBytes: 1))
        #expect(log.logEndOffset == 15)
        #expect(fileBytes(segmentPath(tmp.path, 0, ".index")).count == 2 * 8)
    }
}
