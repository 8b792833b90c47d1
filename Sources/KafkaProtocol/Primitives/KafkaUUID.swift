/// Kafka's UUID type: 16 bytes on the wire (two big-endian INT64 halves). All-zero means "no id".
public struct KafkaUUID: Hashable, Sendable, CustomStringConvertible {
    public var mostSignificantBits: UInt64
    public var leastSignificantBits: UInt64

    public init(mostSignificantBits: UInt64, leastSignificantBits: UInt64) {
        self.mostSignificantBits = mostSignificantBits
        self.leastSignificantBits = leastSignificantBits
    }

    /// The all-zero UUID Kafka uses for "unset".
    public static let zero = KafkaUUID(mostSignificantBits: 0, leastSignificantBits: 0)

    public var description: String {
        func hex(_ v: UInt64) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return hex(mostSignificantBits) + hex(leastSignificantBits)
    }
}
