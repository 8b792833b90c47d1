import NIOCore

/// One message of a legacy (magic 0 or 1) message set, after unwrapping compression.
public struct LegacyMessage: Hashable, Sendable {
    public var offset: Int64
    public var magic: Int8
    public var attributes: Int8
    /// Magic 1 only; nil for magic 0.
    public var timestamp: Int64?
    public var key: [UInt8]?
    public var value: [UInt8]?

    public init(offset: Int64, magic: Int8, attributes: Int8 = 0, timestamp: Int64? = nil, key: [UInt8]?, value: [UInt8]?) {
        self.offset = offset
        self.magic = magic
        self.attributes = attributes
        self.timestamp = timestamp
        self.key = key
        self.value = value
    }

    public var compression: CompressionCodec? { CompressionCodec(rawValue: Int(attributes & 0x07)) }

    /// Encodes `Offset INT64, MessageSize INT32, CRC, Magic, Attributes, [Timestamp], Key, Value` with a CRC-32.
    public func encode(into buffer: inout ByteBuffer) {
        var body = ByteBuffer()
        body.writeInteger(magic)
        body.writeInteger(attributes)
        if magic >= 1 { body.writeInteger(timestamp ?? -1) }
        body.writeKafkaNullableBytes(key, compact: false)
        body.writeKafkaNullableBytes(value, compact: false)
        buffer.writeInteger(offset)
        buffer.writeInteger(Int32(4 + body.readableBytes))
        buffer.writeInteger(CRC32.checksum(body))
        buffer.writeBuffer(&body)
    }
}

/// Legacy magic 0/1 message sets (pre-0.11 clients). Parsed so the broker can accept them and
/// convert them to a magic-2 batch.
public enum LegacyMessageSet {
    /// Decodes every message in `records`, verifying each CRC-32 and unwrapping gzip wrapper messages.
    /// Inner offsets of a magic-1 wrapper are made absolute as Kafka does.
    public static func decode(
        _ records: ByteBuffer, maxDecompressedBytes: Int = Compression.defaultMaxDecompressedBytes, depth: Int = 0
    ) throws(KafkaProtocolError) -> [LegacyMessage] {
        var buffer = records
        var result: [LegacyMessage] = []
        while buffer.readableBytes > 0 {
            let offset = try buffer.readKafkaInt64(field: "LegacyMessage.offset")
            let size = try buffer.readKafkaInt32(field: "LegacyMessage.messageSize")
            guard size >= 14 else {
                throw KafkaProtocolError(.invalidValue("message size \(size) below the minimum"), field: "LegacyMessage.messageSize")
            }
            guard var message = buffer.readSlice(length: Int(size)) else {
                throw KafkaProtocolError(.truncated(needed: Int(size), remaining: buffer.readableBytes), field: "LegacyMessage")
            }
            let crc = try message.readKafkaUInt32(field: "LegacyMessage.crc")
            let computed = CRC32.checksum(message)
            guard crc == computed else {
                throw KafkaProtocolError(.crcMismatch(expected: crc, computed: computed), field: "LegacyMessage.crc")
            }
            let magic = try message.readKafkaInt8(field: "LegacyMessage.magic")
            guard magic == 0 || magic == 1 else {
                throw KafkaProtocolError(.unsupportedMagic(magic), field: "LegacyMessage.magic")
            }
            let attributes = try message.readKafkaInt8(field: "LegacyMessage.attributes")
            let timestamp = magic == 1 ? try message.readKafkaInt64(field: "LegacyMessage.timestamp") : nil
            let key = try message.readKafkaNullableBytes(compact: false, field: "LegacyMessage.key")
            let value = try message.readKafkaNullableBytes(compact: false, field: "LegacyMessage.value")
            let parsed = LegacyMessage(
                offset: offset, magic: magic, attributes: attributes, timestamp: timestamp, key: key, value: value)
            guard let codec = parsed.compression else {
                throw KafkaProtocolError(.unsupportedCompression(codec: Int(attributes & 0x07)), field: "LegacyMessage.attributes")
            }
            if codec == .none {
                result.append(parsed)
                continue
            }
            guard depth == 0 else {
                throw KafkaProtocolError(.invalidValue("nested compressed message"), field: "LegacyMessage")
            }
            let inner = try Compression.decompress(
                ByteBuffer(bytes: value ?? []), codec: codec, maxBytes: maxDecompressedBytes)
            var innerMessages = try decode(inner, maxDecompressedBytes: maxDecompressedBytes, depth: 1)
            if magic == 1, offset != 0, let last = innerMessages.last {
                // Magic 1 wrappers carry the absolute offset of the last inner message; inner ones are relative.
                // Producers send wrapper offset 0 (the broker assigns offsets), so leave those relative.
                let shift = offset - last.offset
                for i in innerMessages.indices { innerMessages[i].offset += shift }
            }
            result += innerMessages
        }
        return result
    }

    /// Converts legacy messages into one uncompressed magic-2 batch (CreateTime; magic-0 messages get
    /// timestamp −1, as Kafka's up-conversion does).
    public static func convertToRecordBatch(_ messages: [LegacyMessage], baseOffset: Int64 = 0) -> RecordBatch {
        let timestamps = messages.map { $0.timestamp ?? -1 }
        let base = timestamps.first ?? -1
        let records = messages.enumerated().map { index, m in
            Record(timestampDelta: (m.timestamp ?? -1) - base, offsetDelta: Int32(index), key: m.key, value: m.value)
        }
        let header = RecordBatchHeader(
            baseOffset: baseOffset, partitionLeaderEpoch: -1, lastOffsetDelta: Int32(max(0, messages.count - 1)),
            baseTimestamp: base, maxTimestamp: timestamps.max() ?? -1)
        return RecordBatch(header: header, records: records)
    }
}

/// The magic byte of a RECORDS payload (at byte 16 for every format), or nil if too short.
public func recordsMagic(_ records: ByteBuffer) -> Int8? {
    guard records.readableBytes > 16 else { return nil }
    return records.getInteger(at: records.readerIndex + 16, as: Int8.self)
}
