import NIOCore

/// Writing Kafka primitive types. Writers never fail: a nil written where the version has no
/// null form is written as the empty value.
extension ByteBuffer {
    @inlinable
    public mutating func writeKafkaBool(_ value: Bool) {
        writeInteger(value ? 1 : 0, as: UInt8.self)
    }

    @inlinable
    public mutating func writeKafkaFloat64(_ value: Double) {
        writeInteger(value.bitPattern)
    }

    public mutating func writeKafkaUUID(_ value: KafkaUUID) {
        writeInteger(value.mostSignificantBits)
        writeInteger(value.leastSignificantBits)
    }

    @inlinable
    public mutating func writeKafkaUnsignedVarint(_ value: UInt32) {
        var v = value
        while v >= 0x80 {
            writeInteger(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        writeInteger(UInt8(v))
    }

    @inlinable
    public mutating func writeKafkaUnsignedVarlong(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            writeInteger(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        writeInteger(UInt8(v))
    }

    @inlinable
    public mutating func writeKafkaVarint(_ value: Int32) {
        writeKafkaUnsignedVarint(UInt32(bitPattern: (value << 1) ^ (value >> 31)))
    }

    @inlinable
    public mutating func writeKafkaVarlong(_ value: Int64) {
        writeKafkaUnsignedVarlong(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Writes a length/count; `nil` writes the null marker.
    @inlinable
    mutating func writeKafkaLength(_ length: Int?, compact: Bool, int16: Bool) {
        if compact {
            writeKafkaUnsignedVarint(length.map { UInt32($0 + 1) } ?? 0)
        } else if int16 {
            writeInteger(length.map { Int16($0) } ?? -1)
        } else {
            writeInteger(length.map { Int32($0) } ?? -1)
        }
    }

    @inlinable
    public mutating func writeKafkaArrayCount(_ count: Int?, compact: Bool) {
        writeKafkaLength(count, compact: compact, int16: false)
    }

    public mutating func writeKafkaNullableString(_ value: String?, compact: Bool) {
        guard let value else {
            writeKafkaLength(nil, compact: compact, int16: true)
            return
        }
        writeKafkaLength(value.utf8.count, compact: compact, int16: true)
        writeString(value)
    }

    public mutating func writeKafkaString(_ value: String, compact: Bool) {
        writeKafkaLength(value.utf8.count, compact: compact, int16: true)
        writeString(value)
    }

    public mutating func writeKafkaNullableBytes(_ value: [UInt8]?, compact: Bool) {
        guard let value else {
            writeKafkaLength(nil, compact: compact, int16: false)
            return
        }
        writeKafkaLength(value.count, compact: compact, int16: false)
        writeBytes(value)
    }

    public mutating func writeKafkaBytes(_ value: [UInt8], compact: Bool) {
        writeKafkaLength(value.count, compact: compact, int16: false)
        writeBytes(value)
    }

    /// RECORDS: the bytes of `value` written as (compact) NULLABLE_BYTES; `value`'s reader index is untouched.
    public mutating func writeKafkaRecords(_ value: ByteBuffer?, compact: Bool) {
        guard let value else {
            writeKafkaLength(nil, compact: compact, int16: false)
            return
        }
        writeKafkaLength(value.readableBytes, compact: compact, int16: false)
        writeImmutableBuffer(value)
    }

    /// Writes one tagged field: tag, exact size, then the value bytes.
    public mutating func writeKafkaTaggedField(tag: UInt32, value: ByteBuffer) {
        writeKafkaUnsignedVarint(tag)
        writeKafkaUnsignedVarint(UInt32(value.readableBytes))
        writeImmutableBuffer(value)
    }

    /// An empty tag section (the single byte `00`).
    @inlinable
    public mutating func writeKafkaEmptyTaggedFields() {
        writeInteger(0, as: UInt8.self)
    }
}
