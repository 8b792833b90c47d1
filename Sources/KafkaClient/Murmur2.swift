/// Kafka's 32-bit MurmurHash2 (`org.apache.kafka.common.utils.Utils.murmur2`), which the Java
/// producer's default partitioner applies to serialized keys. Written from the MurmurHash2
/// algorithm with Kafka's seed and its little-endian word order, so a key lands on the same
/// partition as from a Java (or librdkafka `murmur2_random`) producer.
public enum Murmur2 {
    static let seed: UInt32 = 0x9747_b28c
    static let m: UInt32 = 0x5bd1_e995
    static let r: UInt32 = 24

    /// The hash as Java's signed `int`.
    public static func hash<Bytes: Collection<UInt8>>(_ data: Bytes) -> Int32 {
        let bytes = Array(data)
        let length = bytes.count
        var h = seed ^ UInt32(truncatingIfNeeded: length)
        let words = length / 4
        for word in 0..<words {
            let i = word * 4
            var k = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
            k = k &* m
            k ^= k >> r
            k = k &* m
            h = h &* m
            h ^= k
        }
        // The tail, falling through as Java's switch does: 3 → 2 → 1.
        let tail = length & ~3
        let remaining = length % 4
        if remaining >= 3 { h ^= UInt32(bytes[tail + 2]) << 16 }
        if remaining >= 2 { h ^= UInt32(bytes[tail + 1]) << 8 }
        if remaining >= 1 {
            h ^= UInt32(bytes[tail])
            h = h &* m
        }
        h ^= h >> 13
        h = h &* m
        h ^= h >> 15
        return Int32(bitPattern: h)
    }

    /// Kafka's `Utils.toPositive`: clears the sign bit (not `abs`, which overflows for `Int32.min`).
    public static func toPositive(_ value: Int32) -> Int32 { value & 0x7fff_ffff }
}
