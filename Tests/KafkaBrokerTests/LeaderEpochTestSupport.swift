import Foundation
import KafkaBroker
import KafkaLog
import KafkaModel
import KafkaProtocol
import NIOCore

/// A temporary directory removed when the test is done.
final class ScratchDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "kafkabroker-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

let epochTestPartition = TopicPartition(topic: "kip101", partition: 0)

/// A one-record magic-2 batch holding `value`.
func recordBatch(_ value: String) -> RecordBatchView {
    var buffer = try! RecordBatch(
        baseTimestamp: 1_000, records: [(key: nil, value: Array(value.utf8), headers: [], timestamp: 1_000)]
    ).encoded()
    return try! RecordBatchView(from: &buffer)
}

/// One replica's log on disk, driven by hand the way the broker drives it, so KIP-101's scenarios
/// run deterministically without network or controller.
final class ReplicaLog {
    let name: String
    let directory: String
    private(set) var log: PartitionLog

    init(_ name: String, in scratch: ScratchDirectory) throws {
        self.name = name
        directory = scratch.path + "/" + name + "/kip101-0"
        log = try Self.open(directory, highWatermark: 0, clean: true)
    }

    private static func open(_ directory: String, highWatermark: Int64, clean: Bool) throws -> PartitionLog {
        try PartitionLog.open(
            directory: directory, topicPartition: epochTestPartition, config: LogConfig(), recoveryPoint: 0,
            logStartOffset: 0, highWatermark: highWatermark, hadCleanShutdown: clean, nowMs: 1_000)
    }

    /// A crash and restart: the log is reopened from disk with unclean recovery, keeping its
    /// checkpointed high watermark.
    func restart() throws {
        let highWatermark = log.highWatermark
        log = try Self.open(directory, highWatermark: highWatermark, clean: false)
    }

    /// Kafka's `makeLeader`: the new epoch starts at the log end offset.
    func becomeLeader(epoch: Int32) throws {
        try log.maybeAssignEpochStartOffset(epoch: epoch, startOffset: log.logEndOffset)
    }

    func produce(_ value: String, epoch: Int32) throws {
        _ = try log.appendAsLeader([recordBatch(value)], leaderEpoch: epoch, nowMs: 1_000)
    }

    /// Every record value in offset order.
    var values: [String] {
        get throws {
            let records = try log.read(startOffset: log.logStartOffset, maxBytes: 1 << 20, upperBound: log.logEndOffset, minOneMessage: true).records
            return try RecordBatchView.batches(in: records).flatMap { view -> [String] in
                var bytes = view.bytes
                return try RecordBatch(from: &bytes).records.map { String(decoding: $0.value ?? [], as: UTF8.self) }
            }
        }
    }

    /// The log's bytes from offset 0, to compare replicas.
    var bytes: ByteBuffer {
        get throws { try log.read(startOffset: 0, maxBytes: 1 << 20, upperBound: log.logEndOffset, minOneMessage: true).records }
    }

    /// One follower fetch from `leader` as the broker does it (Fetch v12 with the last fetched
    /// epoch): the leader's `FetchDivergence` check, then either `FollowerTruncation` of the
    /// diverging tail or an append of what the leader has. Returns the truncation, if any.
    @discardableResult
    func fetch(from leader: ReplicaLog) throws -> OffsetTruncationState? {
        let fetchOffset = log.logEndOffset
        let divergence = FetchDivergence.check(
            lastFetchedEpoch: log.latestEpoch ?? -1, fetchOffset: fetchOffset, leaderEpochs: leader.log.leaderEpochCache,
            logStartOffset: leader.log.logStartOffset, logEndOffset: leader.log.logEndOffset)
        switch divergence {
        case .diverging(let epoch, let endOffset):
            let truncation = FollowerTruncation.truncationState(
                leaderEpoch: epoch, leaderEndOffset: endOffset, followerEpochs: log.leaderEpochCache,
                followerLogEndOffset: log.logEndOffset, fetchOffset: fetchOffset)
            try log.truncate(to: truncation.offset)
            return truncation
        case .offsetOutOfRange:
            throw LogError.invalidOffset("out of range")
        case .none:
            let records = try leader.log.read(
                startOffset: fetchOffset, maxBytes: 1 << 20, upperBound: leader.log.logEndOffset, minOneMessage: true
            ).records
            if records.readableBytes > 0 { _ = try log.appendAsFollower(records, nowMs: 1_000) }
            return nil
        }
    }

    /// Fetches until nothing diverges and the log end offsets match.
    func catchUp(with leader: ReplicaLog) throws {
        for _ in 0..<10 where log.logEndOffset != leader.log.logEndOffset || log.latestEpoch != leader.log.latestEpoch {
            try fetch(from: leader)
        }
    }
}
