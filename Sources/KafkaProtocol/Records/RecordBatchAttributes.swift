/// The INT16 attributes of a magic-2 record batch.
///
/// Bits 0–2 compression codec, bit 3 timestamp type (LogAppendTime), bit 4 transactional,
/// bit 5 control batch, bit 6 delete horizon set.
public struct RecordBatchAttributes: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    public enum TimestampType: Int, Sendable, Hashable {
        case createTime = 0
        case logAppendTime = 1
    }

    public init(
        compression: CompressionCodec = .none, timestampType: TimestampType = .createTime,
        isTransactional: Bool = false, isControl: Bool = false
    ) {
        rawValue = Int16(compression.rawValue)
        self.timestampType = timestampType
        self.isTransactional = isTransactional
        self.isControl = isControl
    }

    /// The raw codec bits (0–7); values above 4 are not valid Kafka codecs.
    public var compressionBits: Int { Int(rawValue & 0x07) }

    /// The codec, or nil for the undefined values 5–7.
    public var compression: CompressionCodec? {
        get { CompressionCodec(rawValue: compressionBits) }
        set { rawValue = (rawValue & ~0x07) | Int16(newValue?.rawValue ?? 0) }
    }

    public var timestampType: TimestampType {
        get { rawValue & 0x08 != 0 ? .logAppendTime : .createTime }
        set { setBit(0x08, newValue == .logAppendTime) }
    }

    public var isTransactional: Bool {
        get { rawValue & 0x10 != 0 }
        set { setBit(0x10, newValue) }
    }

    public var isControl: Bool {
        get { rawValue & 0x20 != 0 }
        set { setBit(0x20, newValue) }
    }

    public var hasDeleteHorizon: Bool {
        get { rawValue & 0x40 != 0 }
        set { setBit(0x40, newValue) }
    }

    private mutating func setBit(_ bit: Int16, _ on: Bool) {
        rawValue = on ? rawValue | bit : rawValue & ~bit
    }
}
