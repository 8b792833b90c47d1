/// Kafka's `org.apache.kafka.common.Uuid`: 128 bits written as 22 characters of URL-safe base64
/// without padding. Cluster ids (`kafka-storage random-uuid`) and topic ids use it.
public struct KafkaUuid: Sendable, Hashable, CustomStringConvertible {
    public var bytes: [UInt8]

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    /// `Uuid.ZERO_UUID` and `Uuid.METADATA_TOPIC_ID` (0, 1): reserved, never generated.
    static let zero = KafkaUuid(bytes: Array(repeating: 0, count: 16))
    static let metadataTopicID = KafkaUuid(bytes: Array(repeating: 0, count: 15) + [1])

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// `Uuid.randomUuid()`: a version-4 UUID (as `java.util.UUID.randomUUID`), drawn again while it
    /// is one of the reserved ids or its text starts with '-' (which command lines would take for
    /// an option).
    public static func random() -> KafkaUuid {
        var generator = SystemRandomNumberGenerator()
        while true {
            var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
            bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4
            bytes[8] = (bytes[8] & 0x3F) | 0x80  // IETF variant
            let uuid = KafkaUuid(bytes: bytes)
            if uuid != zero && uuid != metadataTopicID && !uuid.description.hasPrefix("-") { return uuid }
        }
    }

    /// `Uuid.fromString`: exactly 22 base64url characters decoding to 16 bytes.
    public init?(_ text: String) {
        let characters = Array(text)
        guard characters.count == 22 else { return nil }
        var bits = 0
        var value = 0
        var decoded: [UInt8] = []
        for character in characters {
            guard let index = Self.alphabet.firstIndex(of: character) else { return nil }
            value = (value << 6) | index
            bits += 6
            if bits >= 8 {
                bits -= 8
                decoded.append(UInt8((value >> bits) & 0xFF))
            }
        }
        // The last character carries 2 padding bits, which must be zero in canonical text.
        guard decoded.count == 16, value & ((1 << bits) - 1) == 0 else { return nil }
        bytes = decoded
    }

    public var description: String {
        var bits = 0
        var value = 0
        var output = ""
        for byte in bytes {
            value = (value << 8) | Int(byte)
            bits += 8
            while bits >= 6 {
                bits -= 6
                output.append(Self.alphabet[(value >> bits) & 0x3F])
            }
            value &= (1 << bits) - 1
        }
        if bits > 0 { output.append(Self.alphabet[(value << (6 - bits)) & 0x3F]) }
        return output
    }
}
