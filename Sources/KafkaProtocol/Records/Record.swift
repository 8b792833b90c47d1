import NIOCore

/// One record header (key UTF-8, value nullable bytes).
public struct RecordHeader: Hashable, Sendable {
    public var key: String
    public var value: [UInt8]?

    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }
}

/// One record inside a magic-2 batch. Every integer in its layout is a zig-zag varint:
/// Length, Attributes INT8, TimestampDelta VARLONG, OffsetDelta VARINT, Key, Value, Headers.
public struct Record: Hashable, Sendable {
    public var attributes: Int8
    public var timestampDelta: Int64
    public var offsetDelta: Int32
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [RecordHeader]

    public init(
        attributes: Int8 = 0, timestampDelta: Int64 = 0, offsetDelta: Int32 = 0, key: [UInt8]? = nil,
        value: [UInt8]?, headers: [RecordHeader] = []
    ) {
        self.attributes = attributes
        self.timestampDelta = timestampDelta
        self.offsetDelta = offsetDelta
        self.key = key
        self.value = value
        self.headers = headers
    }

    /// Decodes one record (including its leading Length varint).
    public init(from buffer: inout ByteBuffer) throws(KafkaProtocolError) {
        let length = try buffer.readKafkaVarint(field: "Record.length")
        guard length >= 0 else { throw KafkaProtocolError(.negativeLength(Int64(length)), field: "Record.length") }
        guard var body = buffer.readSlice(length: Int(length)) else {
            throw KafkaProtocolError(.truncated(needed: Int(length), remaining: buffer.readableBytes), field: "Record")
        }
        attributes = try body.readKafkaInt8(field: "Record.attributes")
        timestampDelta = try body.readKafkaVarlong(field: "Record.timestampDelta")
        offsetDelta = try body.readKafkaVarint(field: "Record.offsetDelta")
        key = try Self.readVarintBytes(&body, field: "Record.key")
        value = try Self.readVarintBytes(&body, field: "Record.value")
        let headerCount = try body.readKafkaVarint(field: "Record.headerCount")
        guard headerCount >= 0 else {
            throw KafkaProtocolError(.negativeLength(Int64(headerCount)), field: "Record.headerCount")
        }
        guard Int(headerCount) <= body.readableBytes else {
            throw KafkaProtocolError(.lengthTooLarge(Int64(headerCount), remaining: body.readableBytes), field: "Record.headers")
        }
        var headers: [RecordHeader] = []
        headers.reserveCapacity(Int(headerCount))
        for _ in 0..<headerCount {
            guard let keyBytes = try Self.readVarintBytes(&body, field: "Record.headers.key") else {
                throw KafkaProtocolError(.negativeLength(-1), field: "Record.headers.key")
            }
            guard let key = String(validating: keyBytes, as: UTF8.self) else {
                throw KafkaProtocolError(.invalidUTF8, field: "Record.headers.key")
            }
            headers.append(RecordHeader(key: key, value: try Self.readVarintBytes(&body, field: "Record.headers.value")))
        }
        self.headers = headers
        if body.readableBytes != 0 {
            throw KafkaProtocolError(.invalidValue("\(body.readableBytes) bytes left inside the record"), field: "Record")
        }
    }

    static func readVarintBytes(_ buffer: inout ByteBuffer, field: String) throws(KafkaProtocolError) -> [UInt8]? {
        let length = try buffer.readKafkaVarint(field: field)
        if length == -1 { return nil }
        guard length >= 0 else { throw KafkaProtocolError(.negativeLength(Int64(length)), field: field) }
        guard let bytes = buffer.readBytes(length: Int(length)) else {
            throw KafkaProtocolError(.truncated(needed: Int(length), remaining: buffer.readableBytes), field: field)
        }
        return bytes
    }

    private static func writeVarintBytes(_ bytes: [UInt8]?, into buffer: inout ByteBuffer) {
        guard let bytes else {
            buffer.writeKafkaVarint(-1)
            return
        }
        buffer.writeKafkaVarint(Int32(bytes.count))
        buffer.writeBytes(bytes)
    }

    /// Encodes the record including its Length prefix (sized up front: no temporary buffer).
    public func encode(into buffer: inout ByteBuffer) {
        var size = 1 + Self.varlongSize(timestampDelta) + Self.varlongSize(Int64(offsetDelta))
        size += Self.bytesSize(key.map(\.count)) + Self.bytesSize(value.map(\.count))
        size += Self.varlongSize(Int64(headers.count))
        for header in headers {
            size += Self.bytesSize(header.key.utf8.count) + Self.bytesSize(header.value.map(\.count))
        }
        buffer.reserveCapacity(minimumWritableBytes: size + 5)
        buffer.writeKafkaVarint(Int32(size))
        buffer.writeInteger(attributes)
        buffer.writeKafkaVarlong(timestampDelta)
        buffer.writeKafkaVarint(offsetDelta)
        Self.writeVarintBytes(key, into: &buffer)
        Self.writeVarintBytes(value, into: &buffer)
        buffer.writeKafkaVarint(Int32(headers.count))
        for header in headers {
            buffer.writeKafkaVarint(Int32(header.key.utf8.count))
            buffer.writeString(header.key)
            Self.writeVarintBytes(header.value, into: &buffer)
        }
    }

    /// Bytes taken by a zig-zag varint/varlong.
    static func varlongSize(_ value: Int64) -> Int {
        var v = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        var n = 1
        while v >= 0x80 {
            v >>= 7
            n += 1
        }
        return n
    }

    /// Bytes taken by a varint length (−1 for nil) plus the payload.
    static func bytesSize(_ count: Int?) -> Int {
        guard let count else { return 1 }
        return varlongSize(Int64(count)) + count
    }
}
