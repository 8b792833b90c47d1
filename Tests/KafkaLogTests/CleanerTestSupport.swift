import Foundation
import KafkaModel
import KafkaProtocol
import NIOCore
import Testing

@testable import KafkaLog

/// A keyed magic-2 batch (nil value = tombstone).
func keyedBatch(_ records: [(String, String?)], timestamp: Int64, compression: CompressionCodec = .none) -> RecordBatchView {
    let built = records.enumerated().map { i, r in
        (key: [UInt8]?.some(Array(r.0.utf8)), value: r.1.map { Array($0.utf8) }, headers: [RecordHeader(key: "h", value: [UInt8(i)])],
         timestamp: timestamp + Int64(i))
    }
    var buffer = try! RecordBatch(baseTimestamp: timestamp, compression: compression, records: built).encoded()
    return try! RecordBatchView(from: &buffer)
}

struct StoredRecord: Hashable {
    var offset: Int64
    var key: String
    var value: String?
}

/// Every record of the log, batch by batch (reads step over gaps left by cleaning).
func readAll(_ log: PartitionLog) throws -> (records: [StoredRecord], batches: [RecordBatch]) {
    var next = log.logStartOffset
    var records: [StoredRecord] = []
    var decoded: [RecordBatch] = []
    while next < log.logEndOffset {
        let info = try log.read(startOffset: next, maxBytes: 1 << 20, upperBound: log.logEndOffset, minOneMessage: true)
        guard info.records.readableBytes > 0 else { break }
        for view in try RecordBatchView.batches(in: info.records) {
            try view.validate()
            let batch = try view.decode()
            decoded.append(batch)
            for record in batch.records {
                records.append(StoredRecord(
                    offset: batch.header.baseOffset + Int64(record.offsetDelta), key: String(decoding: record.key ?? [], as: UTF8.self),
                    value: record.value.map { String(decoding: $0, as: UTF8.self) }))
            }
            next = batch.header.lastOffset + 1
        }
    }
    return (records, decoded)
}

let compactConfig = LogConfig(
    segmentBytes: 1_024, fileDeleteDelayMs: 0, compact: true, minCleanableDirtyRatio: 0.01, deleteRetentionMs: 1_000)

/// Cleans once with a generous map; the high watermark is moved to the log end first.
@discardableResult
func cleanOnce(_ log: PartitionLog, checkpoint: Int64? = nil, nowMs: Int64, crashPoint: CleanerCrashPoint? = nil) throws -> CleanerStats {
    log.updateHighWatermark(log.logEndOffset)
    let cleanable = try #require(log.cleanableLog(checkpointedDirtyOffset: checkpoint, nowMs: nowMs))
    return try log.clean(cleanable, offsetMapMemory: 1 << 20, nowMs: nowMs, crashPoint: crashPoint)
}
