import NIOCore

/// Reading Kafka primitive types. Every reader throws ``KafkaProtocolError`` naming `field`
/// instead of trapping; lengths and counts are checked against the bytes that remain before
/// anything is allocated.
extension ByteBuffer {
    @inlinable
    mutating func kafkaRead<T: FixedWidthInteger>(_: T.Type, field: String) throws(KafkaProtocolError) -> T {
        guard let value = readInteger(endianness: .big, as: T.self) else {
            throw KafkaProtocolError(
                .truncated(needed: MemoryLayout<T>.size, remaining: readableBytes), field: field)
        }
        return value
    }

    @inlinable
    public mutating func readKafkaInt8(field: String) throws(KafkaProtocolError) -> Int8 {
        try kafkaRead(Int8.self, field: field)
    }
    @inlinable
    public mutating func readKafkaInt16(field: String) throws(KafkaProtocolError) -> Int16 {
        try kafkaRead(Int16.self, field: field)
    }
    @inlinable
    public mutating func readKafkaUInt16(field: String) throws(KafkaProtocolError) -> UInt16 {
        try kafkaRead(UInt16.self, field: field)
    }
    @inlinable
    public mutating func readKafkaInt32(field: String) throws(KafkaProtocolError) -> Int32 {
        try kafkaRead(Int32.self, field: field)
    }
    @inlinable
    public mutating func readKafkaUInt32(field: String) throws(KafkaProtocolError) -> UInt32 {
        try kafkaRead(UInt32.self, field: field)
    }
    @inlinable
    public mutating func readKafkaInt64(field: String) throws(KafkaProtocolError) -> Int64 {
        try kafkaRead(Int64.self, field: field)
    }
    @inlinable
    public mutating func readKafkaFloat64(field: String) throws(KafkaProtocolError) -> Double {
        Double(bitPattern: try kafkaRead(UInt64.self, field: field))
    }
    /// BOOLEAN: any non-zero byte is true.
    @inlinable
    public mutating func readKafkaBool(field: String) throws(KafkaProtocolError) -> Bool {
        try kafkaRead(UInt8.self, field: field) != 0
    }

    public mutating func readKafkaUUID(field: String) throws(KafkaProtocolError) -> KafkaUUID {
        let high = try kafkaRead(UInt64.self, field: field)
        let low = try kafkaRead(UInt64.self, field: field)
        return KafkaUUID(mostSignificantBits: high, leastSignificantBits: low)
    }

    // MARK: Varints

    /// UNSIGNED_VARINT (max 5 bytes, no zig-zag).
    @inlinable
    public mutating func readKafkaUnsignedVarint(field: String) throws(KafkaProtocolError) -> UInt32 {
        var result: UInt32 = 0
        var shift: UInt32 = 0
        while true {
            guard let byte = readInteger(as: UInt8.self) else {
                throw KafkaProtocolError(.truncated(needed: 1, remaining: 0), field: field)
            }
            if shift == 28 && byte > 0x0F {
                throw KafkaProtocolError(.invalidVarint, field: field)
            }
            result |= UInt32(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// Unsigned base-128 varint of up to 10 bytes (the carrier of VARLONG).
    @inlinable
    public mutating func readKafkaUnsignedVarlong(field: String) throws(KafkaProtocolError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard let byte = readInteger(as: UInt8.self) else {
                throw KafkaProtocolError(.truncated(needed: 1, remaining: 0), field: field)
            }
            if shift == 63 && byte > 0x01 {
                throw KafkaProtocolError(.invalidVarint, field: field)
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// VARINT: zig-zag INT32.
    @inlinable
    public mutating func readKafkaVarint(field: String) throws(KafkaProtocolError) -> Int32 {
        let u = try readKafkaUnsignedVarint(field: field)
        return Int32(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    /// VARLONG: zig-zag INT64.
    @inlinable
    public mutating func readKafkaVarlong(field: String) throws(KafkaProtocolError) -> Int64 {
        let u = try readKafkaUnsignedVarlong(field: field)
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    // MARK: Lengths

    /// Reads a STRING/BYTES/ARRAY length (INT16, INT32 or compact N+1) and returns nil for null.
    /// Lengths are checked against `readableBytes` (each element takes at least one byte).
    @inlinable
    mutating func readKafkaLength(compact: Bool, int16: Bool, field: String) throws(KafkaProtocolError) -> Int? {
        let length: Int64
        if compact {
            length = Int64(try readKafkaUnsignedVarint(field: field)) - 1
        } else if int16 {
            length = Int64(try kafkaRead(Int16.self, field: field))
        } else {
            length = Int64(try kafkaRead(Int32.self, field: field))
        }
        if length == -1 { return nil }
        if length < -1 { throw KafkaProtocolError(.negativeLength(length), field: field) }
        if length > Int64(readableBytes) {
            throw KafkaProtocolError(.lengthTooLarge(length, remaining: readableBytes), field: field)
        }
        return Int(length)
    }

    /// Reads an ARRAY / COMPACT_ARRAY element count; nil means a null array.
    @inlinable
    public mutating func readKafkaArrayCount(compact: Bool, field: String) throws(KafkaProtocolError) -> Int? {
        try readKafkaLength(compact: compact, int16: false, field: field)
    }

    /// Reads an ARRAY count where null is not allowed (null decodes as empty, as Kafka's readers tolerate).
    @inlinable
    public mutating func readKafkaNonNullArrayCount(compact: Bool, field: String) throws(KafkaProtocolError) -> Int {
        try readKafkaLength(compact: compact, int16: false, field: field) ?? 0
    }

    // MARK: Strings and bytes

    public mutating func readKafkaNullableString(compact: Bool, field: String) throws(KafkaProtocolError) -> String? {
        guard let length = try readKafkaLength(compact: compact, int16: true, field: field) else { return nil }
        guard let string = readString(length: length) else {
            throw KafkaProtocolError(.truncated(needed: length, remaining: readableBytes), field: field)
        }
        return string
    }

    /// STRING / COMPACT_STRING. A null on the wire is accepted and read as "" (lenient, like Kafka's clients).
    public mutating func readKafkaString(compact: Bool, field: String) throws(KafkaProtocolError) -> String {
        try readKafkaNullableString(compact: compact, field: field) ?? ""
    }

    public mutating func readKafkaNullableBytes(compact: Bool, field: String) throws(KafkaProtocolError) -> [UInt8]? {
        guard let length = try readKafkaLength(compact: compact, int16: false, field: field) else { return nil }
        guard let bytes = readBytes(length: length) else {
            throw KafkaProtocolError(.truncated(needed: length, remaining: readableBytes), field: field)
        }
        return bytes
    }

    public mutating func readKafkaBytes(compact: Bool, field: String) throws(KafkaProtocolError) -> [UInt8] {
        try readKafkaNullableBytes(compact: compact, field: field) ?? []
    }

    /// RECORDS: NULLABLE_BYTES (or the compact form) returned as a slice sharing storage with `self`.
    public mutating func readKafkaRecords(compact: Bool, field: String) throws(KafkaProtocolError) -> ByteBuffer? {
        guard let length = try readKafkaLength(compact: compact, int16: false, field: field) else { return nil }
        guard let slice = readSlice(length: length) else {
            throw KafkaProtocolError(.truncated(needed: length, remaining: readableBytes), field: field)
        }
        return slice
    }

    // MARK: Tagged fields

    /// Reads one tagged-field header (tag, size) and returns the tag and a slice holding its value.
    public mutating func readKafkaTaggedField(field: String) throws(KafkaProtocolError) -> (tag: UInt32, value: ByteBuffer) {
        let tag = try readKafkaUnsignedVarint(field: field)
        let size = Int(try readKafkaUnsignedVarint(field: field))
        guard let value = readSlice(length: size) else {
            throw KafkaProtocolError(.truncated(needed: size, remaining: readableBytes), field: field)
        }
        return (tag, value)
    }

    /// Reads a whole tag section and ignores its contents (for structures with no known tags).
    public mutating func skipKafkaTaggedFields(field: String) throws(KafkaProtocolError) {
        let count = try readKafkaUnsignedVarint(field: field)
        if Int64(count) > Int64(readableBytes) {
            throw KafkaProtocolError(.lengthTooLarge(Int64(count), remaining: readableBytes), field: field)
        }
        for _ in 0..<count {
            _ = try readKafkaTaggedField(field: field)
        }
    }
}
