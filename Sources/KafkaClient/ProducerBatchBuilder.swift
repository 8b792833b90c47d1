import KafkaProtocol
import NIOCore

/// Builds one magic-2 record batch for one partition as records arrive (Kafka's
/// `MemoryRecordsBuilder`): each record is encoded straight into the payload buffer with its
/// offset and timestamp deltas, and ``build()`` prepends the 61-byte header and the CRC-32C.
/// BaseOffset is 0 and the producer id, epoch and sequence are -1 (a non-idempotent producer);
/// the broker assigns offsets.
public struct ProducerBatchBuilder: Sendable {
    public let compression: CompressionCodec
    public private(set) var recordCount = 0
    public private(set) var baseTimestamp: Int64 = -1
    public private(set) var maxTimestamp: Int64 = -1
    private var payload: ByteBuffer

    public init(compression: CompressionCodec = .none, initialCapacity: Int = 1024) {
        self.compression = compression
        payload = ByteBufferAllocator().buffer(capacity: initialCapacity)
    }

    /// Bytes the batch takes on the wire so far (uncompressed), header included.
    public var sizeInBytes: Int { RecordBatchHeader.size + payload.readableBytes }

    /// An upper bound of the bytes one record adds (Kafka's `DefaultRecord.sizeInUpperBound`):
    /// used to decide whether a record still fits the batch before encoding it.
    public static func estimatedSize(key: [UInt8]?, value: [UInt8]?, headers: [RecordHeader]) -> Int {
        var size = 5 + 1 + 10 + 5 + 5 + (key?.count ?? 0) + 5 + (value?.count ?? 0) + 5
        for header in headers { size += 10 + header.key.utf8.count + (header.value?.count ?? 0) }
        return size
    }

    /// Appends a record stamped `timestamp` (ms); returns its offset delta within the batch.
    @discardableResult
    public mutating func append(key: [UInt8]?, value: [UInt8]?, headers: [RecordHeader] = [], timestamp: Int64) -> Int32 {
        if recordCount == 0 { baseTimestamp = timestamp }
        maxTimestamp = max(maxTimestamp, timestamp)
        let delta = Int32(recordCount)
        Record(timestampDelta: timestamp - baseTimestamp, offsetDelta: delta, key: key, value: value, headers: headers)
            .encode(into: &payload)
        recordCount += 1
        return delta
    }

    /// The finished batch: header, (compressed) records, BatchLength and CRC-32C filled in.
    public func build() throws(KafkaProtocolError) -> ByteBuffer {
        var records = payload
        if compression != .none {
            records = try Compression.compress(records, codec: compression)
        }
        var buffer = ByteBufferAllocator().buffer(capacity: RecordBatchHeader.size + records.readableBytes)
        buffer.writeInteger(Int64(0))  // BaseOffset: assigned by the broker
        buffer.writeInteger(Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead + records.readableBytes))
        buffer.writeInteger(Int32(-1))  // PartitionLeaderEpoch: set by the broker
        buffer.writeInteger(Int8(2))  // Magic
        buffer.writeInteger(UInt32(0))  // CRC, filled in below
        buffer.writeInteger(RecordBatchAttributes(compression: compression).rawValue)
        buffer.writeInteger(Int32(max(0, recordCount - 1)))  // LastOffsetDelta
        buffer.writeInteger(baseTimestamp)
        buffer.writeInteger(maxTimestamp)
        buffer.writeInteger(Int64(-1))  // ProducerId
        buffer.writeInteger(Int16(-1))  // ProducerEpoch
        buffer.writeInteger(Int32(-1))  // BaseSequence
        buffer.writeInteger(Int32(recordCount))
        buffer.writeBuffer(&records)
        let crc = buffer.withUnsafeReadableBytes { bytes in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[RecordBatchHeader.crcCoverageStart...]))
        }
        buffer.setInteger(crc, at: RecordBatchHeader.crcOffset)
        return buffer
    }
}
