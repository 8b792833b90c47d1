import NIOCore

/// A versioned Kafka structure with generated codecs (requests, responses and `data` specs such as
/// ConsumerProtocolSubscription).
public protocol KafkaMessage: Sendable, Hashable {
    /// Every version the generated codec handles (the 2.8.2 spec's `validVersions`).
    static var validVersions: ClosedRange<Int16> { get }
    /// The first flexible version, or nil if none.
    static var firstFlexibleVersion: Int16? { get }
    /// Decodes the body at `version`. Throws ``KafkaProtocolError`` on malformed input or an unsupported version.
    init(from buffer: inout ByteBuffer, version: Int16) throws(KafkaProtocolError)
    /// Encodes the body at `version`. Fields absent from that version are skipped.
    func encode(into buffer: inout ByteBuffer, version: Int16)
}

/// A request or response body belonging to an API key.
public protocol KafkaApiMessage: KafkaMessage {
    static var apiKey: ApiKey { get }
}

public protocol KafkaRequest: KafkaApiMessage {
    associatedtype Response: KafkaResponse
}

public protocol KafkaResponse: KafkaApiMessage {}

extension KafkaMessage {
    public static func isFlexible(version: Int16) -> Bool {
        guard let first = firstFlexibleVersion else { return false }
        return version >= first
    }

    /// Encodes into a new buffer.
    public func encoded(version: Int16) -> ByteBuffer {
        var buffer = ByteBuffer()
        encode(into: &buffer, version: version)
        return buffer
    }

    /// Decodes `bytes` and requires that nothing is left over.
    public static func decode(_ bytes: ByteBuffer, version: Int16) throws(KafkaProtocolError) -> Self {
        var buffer = bytes
        let value = try Self(from: &buffer, version: version)
        if buffer.readableBytes != 0 {
            throw KafkaProtocolError(
                .invalidValue("\(buffer.readableBytes) trailing bytes after the body"), field: "\(Self.self)")
        }
        return value
    }
}

/// Generated types provide a sample value with every field set (internal; used by tests).
protocol KafkaSampleProviding {
    static func sampleForTesting() -> Self
}
