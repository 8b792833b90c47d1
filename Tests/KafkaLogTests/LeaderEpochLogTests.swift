import Foundation
import KafkaModel
import KafkaProtocol
import NIOCore
import Testing

@testable import KafkaLog

/// The leader epoch cache a `PartitionLog` maintains and persists as `leader-epoch-checkpoint`
/// (Kafka 2.8 `Log`: append, truncation, log start offset moves, recovery).
@Suite(.tags(.unit)) struct LeaderEpochLogTests {
    private func checkpointText(_ dir: String) -> String {
        String(decoding: fileBytes(dir + "/my-topic-0/leader-epoch-checkpoint"), as: UTF8.self)
    }

    @Test func appendsRecordEpochsAndTheCheckpointUsesKafkasFormat() throws {
        let tmp = TemporaryDirectory()
        let log = try openLog(tmp.path)
        try appendBatches(log, 2, epoch: 0)
        try appendBatches(log, 1, epoch: 2)
        #expect(log.leaderEpochCache.entries == [EpochEntry(epoch: 0, startOffset: 0), EpochEntry(epoch: 2, startOffset: 10)])
        #expect(checkpointText(tmp.path) == "0\n2\n0 0\n2 10\n")
        #expect(log.endOffsetForEpoch(0)! == (0, 10))
        #expect(log.endOffsetForEpoch(1)! == (0, 10))
        #expect(log.endOffsetForEpoch(2)! == (2, 15))
        #expect(log.endOffsetForEpoch(3) == nil)
        // A follower keeps the leader's epochs.
        let follower = try openLog(tmp.path + "/f")
        let fetched = try log.read(startOffset: 0, maxBytes: 1 << 20, upperBound: 15, minOneMessage: true).records
        _ = try follower.appendAsFollower(fetched, nowMs: 1_000)
        #expect(follower.leaderEpochCache == log.leaderEpochCache)
    }

    @Test func truncationAndStartOffsetMovesMaintainTheCache() throws {
        let tmp = TemporaryDirectory()
        let log = try openLog(tmp.path)
        try appendBatches(log, 2, epoch: 1)
        try appendBatches(log, 2, epoch: 4)
        // A new leader's epoch at the end, nothing appended under it yet.
        try log.maybeAssignEpochStartOffset(epoch: 6, startOffset: 20)
        #expect(log.latestEpoch == 6)
        // Truncating at or above the end still drops an epoch that starts at the end (Kafka).
        try log.truncate(to: 20)
        #expect(log.latestEpoch == 4)
        try log.truncate(to: 10)
        #expect(log.leaderEpochCache.entries == [EpochEntry(epoch: 1, startOffset: 0)])
        #expect(checkpointText(tmp.path) == "0\n1\n1 0\n")
        try appendBatches(log, 1, epoch: 5)
        log.updateHighWatermark(15)
        try log.maybeIncrementLogStartOffset(12)
        #expect(log.leaderEpochCache.entries == [EpochEntry(epoch: 5, startOffset: 12)])
        try log.truncateFullyAndStartAt(40)
        #expect(log.leaderEpochCache.isEmpty)
        #expect(checkpointText(tmp.path) == "0\n0\n")
    }

    @Test func recoveryRebuildsEpochsOfRecoveredBatchesAndDropsEntriesBeyondTheLog() throws {
        let tmp = TemporaryDirectory()
        do {
            let log = try openLog(tmp.path)
            try appendBatches(log, 2, epoch: 0)
            try appendBatches(log, 1, epoch: 3)
            try log.maybeAssignEpochStartOffset(epoch: 7, startOffset: 15)
        }
        // The checkpoint was lost: recovery from offset 0 rebuilds it from the batches; the
        // epoch-7 entry beyond the log end disappears with it.
        try FileManager.default.removeItem(atPath: tmp.path + "/my-topic-0/leader-epoch-checkpoint")
        let recovered = try openLog(tmp.path, recoveryPoint: 0, clean: false)
        #expect(recovered.leaderEpochCache.entries == [EpochEntry(epoch: 0, startOffset: 0), EpochEntry(epoch: 3, startOffset: 10)])
        #expect(checkpointText(tmp.path) == "0\n2\n0 0\n3 10\n")
        try recovered.maybeAssignEpochStartOffset(epoch: 7, startOffset: 15)
        // A clean open keeps the checkpoint but drops entries at or past the log end offset.
        let reopened = try openLog(tmp.path + "", clean: true)
        #expect(reopened.latestEpoch == 3)
    }

    @Test func aNewLeadersEpochIsWrittenWithTheFirstAppendUnderIt() throws {
        let tmp = TemporaryDirectory()
        let log = try openLog(tmp.path)
        try appendBatches(log, 1, epoch: 0)
        try log.assignLeaderEpochAtLogEnd(4)
        // In effect at once: a follower asking for epoch 0 learns it ends at 5.
        #expect(log.endOffsetForEpoch(0)! == (0, 5))
        // Not on disk yet: loading would drop an entry at the log end offset anyway.
        #expect(checkpointText(tmp.path) == "0\n1\n0 0\n")
        try appendBatches(log, 1, epoch: 4)
        #expect(checkpointText(tmp.path) == "0\n2\n0 0\n4 5\n")
    }

    @Test func aMalformedEpochCheckpointIsAnErrorNamingTheFile() throws {
        let tmp = TemporaryDirectory()
        _ = try openLog(tmp.path)
        let path = tmp.path + "/my-topic-0/leader-epoch-checkpoint"
        try "0\n2\n0 0\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            _ = try openLog(tmp.path)
        } throws: { error in
            "\(error)".contains(path)
        }
    }

    @Test func aRollFlushesTheRolledSegmentAndAdvancesTheRecoveryPoint() throws {
        let tmp = TemporaryDirectory()
        let batchSize = makeBatch(count: 5, timestamp: 0).bytes.readableBytes
        let log = try openLog(tmp.path, config: LogConfig(segmentBytes: batchSize * 2))
        try appendBatches(log, 2)
        #expect(log.recoveryPoint == 0)
        try appendBatches(log, 1)
        #expect(log.segmentBaseOffsets == [0, 10])
        #expect(log.recoveryPoint == 10)
    }
}
