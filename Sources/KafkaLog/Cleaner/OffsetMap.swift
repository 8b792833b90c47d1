/// Kafka's `SkimpyOffsetMap`: key → the latest offset seen for it in the dirty section of a log.
///
/// Kafka sizes the map from `log.cleaner.dedupe.buffer.size` / `log.cleaner.threads` at 24 bytes per
/// entry (a 16-byte MD5 of the key plus an 8-byte offset) and stops filling it at
/// `log.cleaner.io.buffer.load.factor` (0.9) of its slots. The capacity here is computed the same
/// way, but keys are stored whole (no hash collisions, a deliberate difference: a collision in Kafka
/// can keep an older record).
public struct OffsetMap: Sendable, Equatable {
    public static let bytesPerEntry = 24
    /// Number of slots (`memory / bytesPerEntry`).
    public let slots: Int
    /// The fullest the map may get (Kafka's `maxDesiredMapSize`, slots × load factor).
    public let capacity: Int
    private var offsets: [[UInt8]: Int64] = [:]
    /// The largest offset put (Kafka's `latestOffset`), -1 when empty.
    public private(set) var latestOffset: Int64 = -1

    public init(memory: Int, loadFactor: Double = 0.9) {
        slots = max(1, memory / Self.bytesPerEntry)
        capacity = max(1, Int(Double(slots) * loadFactor))
    }

    public var size: Int { offsets.count }
    public var isFull: Bool { size >= capacity }
    /// Kafka's `utilization`: entries / slots.
    public var utilization: Double { Double(size) / Double(slots) }

    /// Records `offset` as the latest for `key` (offsets are put in increasing order while building).
    public mutating func put(key: [UInt8], offset: Int64) {
        offsets[key] = offset
        latestOffset = max(latestOffset, offset)
    }

    /// Marks the map as covering everything up to `offset` even where no key was put (a batch
    /// without keyed records).
    public mutating func updateLatestOffset(_ offset: Int64) { latestOffset = max(latestOffset, offset) }

    /// The latest offset for `key`, -1 when absent (Kafka's `get`).
    public func get(_ key: [UInt8]) -> Int64 { offsets[key] ?? -1 }
}
