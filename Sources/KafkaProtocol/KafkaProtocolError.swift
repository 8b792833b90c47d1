/// A failure to decode (or validate) Kafka wire data.
///
/// Every error names the field being read, so a broker log line says *what* was malformed
/// (`truncated data reading ProduceRequest.acks: needed 2 bytes, 1 remaining`).
/// Decoders never trap on hostile input: they throw one of these.
public struct KafkaProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// Fewer bytes remain than the field needs.
        case truncated(needed: Int, remaining: Int)
        /// A length or count below −1 (or −1 where null is not allowed).
        case negativeLength(Int64)
        /// A length or count larger than the bytes that remain (or than the protocol allows).
        case lengthTooLarge(Int64, remaining: Int)
        /// A varint longer than its type allows (5 bytes for 32-bit, 10 for 64-bit).
        case invalidVarint
        /// Bytes that are not valid UTF-8 in a STRING field.
        case invalidUTF8
        /// An API key this module has no message type for.
        case unknownApiKey(Int16)
        /// A version outside the message's supported range.
        case unsupportedVersion(apiKey: Int16, version: Int16)
        /// A record batch or message whose CRC does not match its contents (CORRUPT_MESSAGE).
        case crcMismatch(expected: UInt32, computed: UInt32)
        /// A compression codec this module cannot (de)compress (UNSUPPORTED_COMPRESSION_TYPE).
        case unsupportedCompression(codec: Int)
        /// Decompression failed (CORRUPT_MESSAGE).
        case decompressionFailed(String)
        /// A record batch / message magic byte other than 0, 1 or 2.
        case unsupportedMagic(Int8)
        /// Structurally invalid data that fits none of the cases above.
        case invalidValue(String)
    }

    public var kind: Kind
    /// The field (or structure) being decoded, e.g. `MetadataRequest.topics` or `RecordBatch.crc`.
    public var field: String

    public init(_ kind: Kind, field: String) {
        self.kind = kind
        self.field = field
    }

    public var description: String {
        switch kind {
        case .truncated(let needed, let remaining):
            return "truncated data reading \(field): needed \(needed) bytes, \(remaining) remaining"
        case .negativeLength(let n):
            return "invalid negative length \(n) for \(field)"
        case .lengthTooLarge(let n, let remaining):
            return "length \(n) for \(field) exceeds the \(remaining) bytes remaining"
        case .invalidVarint:
            return "invalid varint in \(field): too many continuation bytes"
        case .invalidUTF8:
            return "invalid UTF-8 in \(field)"
        case .unknownApiKey(let key):
            return "unknown API key \(key) (\(field))"
        case .unsupportedVersion(let key, let version):
            return "unsupported version \(version) of API key \(key) (\(field))"
        case .crcMismatch(let expected, let computed):
            return "CRC mismatch in \(field): stored \(hex(expected)), computed \(hex(computed))"
        case .unsupportedCompression(let codec):
            return "unsupported compression codec \(codec) in \(field)"
        case .decompressionFailed(let why):
            return "decompression failed in \(field): \(why)"
        case .unsupportedMagic(let magic):
            return "unsupported magic \(magic) in \(field)"
        case .invalidValue(let why):
            return "invalid \(field): \(why)"
        }
    }

    /// The Kafka error code a broker should answer with for this failure.
    public var errorCode: KafkaErrorCode {
        switch kind {
        case .unsupportedCompression: return .unsupportedCompressionType
        case .unsupportedVersion: return .unsupportedVersion
        case .crcMismatch, .decompressionFailed, .truncated, .invalidVarint: return .corruptMessage
        case .unsupportedMagic: return .invalidRecord
        default: return .invalidRequest
        }
    }
}

private func hex(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - s.count)) + s
}
