import Foundation
import KafkaModel
import KafkaProtocol
import NIOCore

@testable import KafkaLog

/// A temporary directory removed when the test is done.
final class TemporaryDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "kafkalog-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

let testPartition = TopicPartition(topic: "my-topic", partition: 0)

/// A magic-2 batch of `count` records with timestamps `timestamp`, `timestamp + 1`, … (as producers build them).
func makeBatch(count: Int, timestamp: Int64, valueSize: Int = 100) -> RecordBatchView {
    let records = (0..<count).map { i in
        (key: [UInt8]?.none, value: [UInt8]?.some([UInt8](repeating: UInt8(truncatingIfNeeded: i), count: valueSize)),
         headers: [RecordHeader](), timestamp: timestamp + Int64(i))
    }
    var buffer = try! RecordBatch(baseTimestamp: timestamp, records: records).encoded()
    return try! RecordBatchView(from: &buffer)
}

func openLog(
    _ dir: String, config: LogConfig = LogConfig(), recoveryPoint: Int64 = 0, logStartOffset: Int64 = 0,
    highWatermark: Int64 = 0, clean: Bool = true, nowMs: Int64 = 1_000
) throws -> PartitionLog {
    try PartitionLog.open(
        directory: dir + "/my-topic-0", topicPartition: testPartition, config: config, recoveryPoint: recoveryPoint,
        logStartOffset: logStartOffset, highWatermark: highWatermark, hadCleanShutdown: clean, nowMs: nowMs)
}

/// Appends `batches` batches of `perBatch` records, timestamps starting at `timestamp`.
@discardableResult
func appendBatches(_ log: PartitionLog, _ batches: Int, perBatch: Int = 5, timestamp: Int64 = 1_000, epoch: Int32 = 3) throws -> [LogAppendInfo] {
    try (0..<batches).map { i in
        try log.appendAsLeader(
            [makeBatch(count: perBatch, timestamp: timestamp + Int64(i * perBatch))], leaderEpoch: epoch,
            nowMs: timestamp + Int64(i * perBatch))
    }
}

func batches(in buffer: ByteBuffer) throws -> [RecordBatchView] {
    try RecordBatchView.batches(in: buffer)
}

func fileBytes(_ path: String) -> [UInt8] {
    [UInt8](FileManager.default.contents(atPath: path) ?? Data())
}

func segmentPath(_ dir: String, _ base: Int64, _ suffix: String) -> String {
    dir + "/my-topic-0/" + String(format: "%020lld", base) + suffix
}

func bigEndian<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, as: T.Type) -> T {
    var value: T = 0
    for i in 0..<MemoryLayout<T>.size { value = value << 8 | T(bytes[offset + i]) }
    return value
}
