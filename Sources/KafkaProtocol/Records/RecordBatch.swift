import NIOCore

/// The fixed 61-byte header of a magic-2 record batch.
public struct RecordBatchHeader: Hashable, Sendable {
    public static let size = 61
    /// Byte offset of the CRC; the CRC covers everything from `crcCoverageStart` to the end.
    public static let crcOffset = 17
    public static let crcCoverageStart = 21
    /// Bytes before BatchLength's count begins (BaseOffset + BatchLength).
    public static let logOverhead = 12

    public var baseOffset: Int64
    /// Bytes after the BatchLength field (total size − 12).
    public var batchLength: Int32
    public var partitionLeaderEpoch: Int32
    public var magic: Int8
    public var crc: UInt32
    public var attributes: RecordBatchAttributes
    public var lastOffsetDelta: Int32
    public var baseTimestamp: Int64
    public var maxTimestamp: Int64
    public var producerId: Int64
    public var producerEpoch: Int16
    public var baseSequence: Int32
    public var recordCount: Int32

    public init(
        baseOffset: Int64 = 0, batchLength: Int32 = 0, partitionLeaderEpoch: Int32 = -1, magic: Int8 = 2,
        crc: UInt32 = 0, attributes: RecordBatchAttributes = RecordBatchAttributes(), lastOffsetDelta: Int32 = 0,
        baseTimestamp: Int64 = -1, maxTimestamp: Int64 = -1, producerId: Int64 = -1, producerEpoch: Int16 = -1,
        baseSequence: Int32 = -1, recordCount: Int32 = 0
    ) {
        self.baseOffset = baseOffset
        self.batchLength = batchLength
        self.partitionLeaderEpoch = partitionLeaderEpoch
        self.magic = magic
        self.crc = crc
        self.attributes = attributes
        self.lastOffsetDelta = lastOffsetDelta
        self.baseTimestamp = baseTimestamp
        self.maxTimestamp = maxTimestamp
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.baseSequence = baseSequence
        self.recordCount = recordCount
    }

    /// Total bytes of the batch on the wire (header + records).
    public var totalSize: Int { Int(batchLength) + Self.logOverhead }

    /// The offset of the batch's last record.
    public var lastOffset: Int64 { baseOffset + Int64(lastOffsetDelta) }

    /// Parses the header from the start of `buffer` without consuming it.
    public init(peekingAt buffer: ByteBuffer) throws(KafkaProtocolError) {
        var b = buffer
        guard b.readableBytes >= Self.size else {
            throw KafkaProtocolError(.truncated(needed: Self.size, remaining: b.readableBytes), field: "RecordBatch.header")
        }
        baseOffset = try b.readKafkaInt64(field: "RecordBatch.baseOffset")
        batchLength = try b.readKafkaInt32(field: "RecordBatch.batchLength")
        partitionLeaderEpoch = try b.readKafkaInt32(field: "RecordBatch.partitionLeaderEpoch")
        magic = try b.readKafkaInt8(field: "RecordBatch.magic")
        crc = try b.readKafkaUInt32(field: "RecordBatch.crc")
        attributes = RecordBatchAttributes(rawValue: try b.readKafkaInt16(field: "RecordBatch.attributes"))
        lastOffsetDelta = try b.readKafkaInt32(field: "RecordBatch.lastOffsetDelta")
        baseTimestamp = try b.readKafkaInt64(field: "RecordBatch.baseTimestamp")
        maxTimestamp = try b.readKafkaInt64(field: "RecordBatch.maxTimestamp")
        producerId = try b.readKafkaInt64(field: "RecordBatch.producerId")
        producerEpoch = try b.readKafkaInt16(field: "RecordBatch.producerEpoch")
        baseSequence = try b.readKafkaInt32(field: "RecordBatch.baseSequence")
        recordCount = try b.readKafkaInt32(field: "RecordBatch.recordCount")
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(baseOffset)
        buffer.writeInteger(batchLength)
        buffer.writeInteger(partitionLeaderEpoch)
        buffer.writeInteger(magic)
        buffer.writeInteger(crc)
        buffer.writeInteger(attributes.rawValue)
        buffer.writeInteger(lastOffsetDelta)
        buffer.writeInteger(baseTimestamp)
        buffer.writeInteger(maxTimestamp)
        buffer.writeInteger(producerId)
        buffer.writeInteger(producerEpoch)
        buffer.writeInteger(baseSequence)
        buffer.writeInteger(recordCount)
    }
}

/// A magic-2 batch kept as its wire bytes: what the broker validates on produce, stores and serves.
public struct RecordBatchView: Hashable, Sendable {
    public private(set) var header: RecordBatchHeader
    /// The whole batch (header + records) exactly as received.
    public private(set) var bytes: ByteBuffer

    /// Takes the next batch off `buffer`. Checks the magic and that the whole batch is present;
    /// call ``validate()`` for the CRC and codec.
    public init(from buffer: inout ByteBuffer) throws(KafkaProtocolError) {
        guard buffer.readableBytes >= RecordBatchHeader.logOverhead + 5 else {
            throw KafkaProtocolError(
                .truncated(needed: RecordBatchHeader.size, remaining: buffer.readableBytes), field: "RecordBatch")
        }
        let magic = buffer.getInteger(at: buffer.readerIndex + 16, as: Int8.self)!
        guard magic == 2 else { throw KafkaProtocolError(.unsupportedMagic(magic), field: "RecordBatch.magic") }
        let header = try RecordBatchHeader(peekingAt: buffer)
        guard header.batchLength >= Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead) else {
            throw KafkaProtocolError(
                .invalidValue("batch length \(header.batchLength) is shorter than the header"),
                field: "RecordBatch.batchLength")
        }
        guard let bytes = buffer.readSlice(length: header.totalSize) else {
            throw KafkaProtocolError(
                .truncated(needed: header.totalSize, remaining: buffer.readableBytes), field: "RecordBatch")
        }
        self.header = header
        self.bytes = bytes
    }

    /// The CRC-32C of the covered bytes (Attributes to the end).
    public var computedCRC: UInt32 {
        let covered = bytes.getSlice(
            at: bytes.readerIndex + RecordBatchHeader.crcCoverageStart,
            length: bytes.readableBytes - RecordBatchHeader.crcCoverageStart)!
        return CRC32C.checksum(covered)
    }

    /// Validates the CRC (→ CORRUPT_MESSAGE), the codec bits (→ UNSUPPORTED_COMPRESSION_TYPE for
    /// undefined codecs, or for any codec this module can't decompress when `requireDecompressible`),
    /// and the record count.
    public func validate(requireDecompressible: Bool = false) throws(KafkaProtocolError) {
        let computed = computedCRC
        guard computed == header.crc else {
            throw KafkaProtocolError(.crcMismatch(expected: header.crc, computed: computed), field: "RecordBatch.crc")
        }
        guard let codec = header.attributes.compression else {
            throw KafkaProtocolError(
                .unsupportedCompression(codec: header.attributes.compressionBits), field: "RecordBatch.attributes")
        }
        if requireDecompressible && !codec.isSupported {
            throw KafkaProtocolError(.unsupportedCompression(codec: codec.rawValue), field: "RecordBatch.attributes")
        }
        guard header.recordCount >= 0 else {
            throw KafkaProtocolError(.negativeLength(Int64(header.recordCount)), field: "RecordBatch.recordCount")
        }
    }

    /// Rewrites BaseOffset in place (not covered by the CRC), as the broker does on append.
    public mutating func setBaseOffset(_ offset: Int64) {
        header.baseOffset = offset
        bytes.setInteger(offset, at: bytes.readerIndex)
    }

    /// Rewrites PartitionLeaderEpoch in place (not covered by the CRC).
    public mutating func setPartitionLeaderEpoch(_ epoch: Int32) {
        header.partitionLeaderEpoch = epoch
        bytes.setInteger(epoch, at: bytes.readerIndex + 12)
    }

    /// Rewrites Attributes (offset 21) and MaxTimestamp (offset 35) in place, then the CRC they are covered by.
    mutating func setHeaderFields(attributes: RecordBatchAttributes, maxTimestamp: Int64) {
        header.attributes = attributes
        header.maxTimestamp = maxTimestamp
        bytes.setInteger(attributes.rawValue, at: bytes.readerIndex + RecordBatchHeader.crcCoverageStart)
        bytes.setInteger(maxTimestamp, at: bytes.readerIndex + 35)
        let crc = computedCRC
        header.crc = crc
        bytes.setInteger(crc, at: bytes.readerIndex + RecordBatchHeader.crcOffset)
    }

    /// Splits a RECORDS payload into magic-2 batches. Throws for a partial trailing batch.
    public static func batches(in records: ByteBuffer) throws(KafkaProtocolError) -> [RecordBatchView] {
        var buffer = records
        var result: [RecordBatchView] = []
        while buffer.readableBytes > 0 {
            result.append(try RecordBatchView(from: &buffer))
        }
        return result
    }

    /// Decodes the records (decompressing if needed).
    public func decode(maxDecompressedBytes: Int = Compression.defaultMaxDecompressedBytes) throws(KafkaProtocolError) -> RecordBatch {
        var buffer = bytes
        return try RecordBatch(from: &buffer, verifyCRC: false, maxDecompressedBytes: maxDecompressedBytes)
    }
}

/// A decoded magic-2 record batch.
public struct RecordBatch: Hashable, Sendable {
    /// Header fields. `batchLength`, `crc` and `recordCount` are recomputed by ``encode(into:)``.
    public var header: RecordBatchHeader
    public var records: [Record]

    public init(header: RecordBatchHeader = RecordBatchHeader(), records: [Record]) {
        self.header = header
        self.records = records
    }

    /// Builds a batch the way producers do: offset deltas 0…n−1, timestamp deltas from `baseTimestamp`.
    public init(
        baseOffset: Int64 = 0, baseTimestamp: Int64, compression: CompressionCodec = .none,
        records: [(key: [UInt8]?, value: [UInt8]?, headers: [RecordHeader], timestamp: Int64)]
    ) {
        let built = records.enumerated().map { index, r in
            Record(
                timestampDelta: r.timestamp - baseTimestamp, offsetDelta: Int32(index), key: r.key, value: r.value,
                headers: r.headers)
        }
        header = RecordBatchHeader(
            baseOffset: baseOffset, partitionLeaderEpoch: 0, attributes: RecordBatchAttributes(compression: compression),
            lastOffsetDelta: Int32(max(0, records.count - 1)), baseTimestamp: records.isEmpty ? -1 : baseTimestamp,
            maxTimestamp: records.map(\.timestamp).max() ?? -1)
        self.records = built
    }

    /// Decodes one batch from `buffer`, verifying its CRC-32C unless told not to.
    public init(
        from buffer: inout ByteBuffer, verifyCRC: Bool = true,
        maxDecompressedBytes: Int = Compression.defaultMaxDecompressedBytes
    ) throws(KafkaProtocolError) {
        let view = try RecordBatchView(from: &buffer)
        if verifyCRC { try view.validate() }
        header = view.header
        guard let codec = header.attributes.compression else {
            throw KafkaProtocolError(
                .unsupportedCompression(codec: header.attributes.compressionBits), field: "RecordBatch.attributes")
        }
        var payload = view.bytes.getSlice(
            at: view.bytes.readerIndex + RecordBatchHeader.size, length: view.bytes.readableBytes - RecordBatchHeader.size)!
        if codec != .none {
            payload = try Compression.decompress(payload, codec: codec, maxBytes: maxDecompressedBytes)
        }
        let count = Int(header.recordCount)
        guard count >= 0, count <= payload.readableBytes else {
            throw KafkaProtocolError(
                .lengthTooLarge(Int64(header.recordCount), remaining: payload.readableBytes), field: "RecordBatch.recordCount")
        }
        var records: [Record] = []
        records.reserveCapacity(count)
        for _ in 0..<count {
            records.append(try Record(from: &payload))
        }
        if payload.readableBytes != 0 {
            throw KafkaProtocolError(
                .invalidValue("\(payload.readableBytes) bytes after the last record"), field: "RecordBatch.records")
        }
        self.records = records
    }

    /// Encodes the batch, compressing with the header's codec and computing BatchLength and the CRC-32C.
    /// Throws `unsupportedCompression` for codecs this module can't write.
    public func encode(into buffer: inout ByteBuffer) throws(KafkaProtocolError) {
        var payload = ByteBuffer()
        for record in records { record.encode(into: &payload) }
        let codec = header.attributes.compression ?? .none
        if codec != .none {
            payload = try Compression.compress(payload, codec: codec)
        }
        var header = self.header
        header.magic = 2
        header.recordCount = Int32(records.count)
        header.batchLength = Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead + payload.readableBytes)
        header.crc = 0
        let start = buffer.writerIndex
        header.encode(into: &buffer)
        buffer.writeBuffer(&payload)
        let covered = buffer.getSlice(
            at: start + RecordBatchHeader.crcCoverageStart,
            length: buffer.writerIndex - start - RecordBatchHeader.crcCoverageStart)!
        buffer.setInteger(CRC32C.checksum(covered), at: start + RecordBatchHeader.crcOffset)
    }

    public func encoded() throws(KafkaProtocolError) -> ByteBuffer {
        var buffer = ByteBuffer()
        try encode(into: &buffer)
        return buffer
    }
}
