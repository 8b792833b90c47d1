import KafkaProtocol
import NIOCore

/// The header fields of one stored batch the log layer needs, read straight from the bytes
/// (Kafka's `FileChannelRecordBatch`, which also loads only the header).
struct BatchInfo: Sendable, Hashable {
    var position: Int
    var baseOffset: Int64
    var lastOffset: Int64
    var maxTimestamp: Int64
    var size: Int
    var recordCount: Int32
    var magic: Int8
    /// The leader epoch the leader stamped on the batch (-1 when none).
    var partitionLeaderEpoch: Int32

    /// Parses the header at `index` in `buffer` (absolute index); nil when fewer than 61 bytes are there.
    init?(buffer: ByteBuffer, at index: Int, position: Int) {
        guard buffer.writerIndex - index >= RecordBatchHeader.size else { return nil }
        baseOffset = buffer.getInteger(at: index, as: Int64.self)!
        size = Int(buffer.getInteger(at: index + 8, as: Int32.self)!) + RecordBatchHeader.logOverhead
        partitionLeaderEpoch = buffer.getInteger(at: index + 12, as: Int32.self)!
        magic = buffer.getInteger(at: index + 16, as: Int8.self)!
        lastOffset = baseOffset + Int64(buffer.getInteger(at: index + 23, as: Int32.self)!)
        maxTimestamp = buffer.getInteger(at: index + 35, as: Int64.self)!
        recordCount = buffer.getInteger(at: index + 57, as: Int32.self)!
        self.position = position
    }

    /// Structural sanity of the header: magic 2, a length covering the header, offsets in order.
    var isPlausible: Bool {
        magic == 2 && size >= RecordBatchHeader.size && lastOffset >= baseOffset
    }

    var nextOffset: Int64 { lastOffset + 1 }
}
