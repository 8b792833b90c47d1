import NIOCore

extension KafkaMessage {
    /// Decodes a "version-prefixed" structure (INT16 version, then the body), the layout of the consumer
    /// protocol's subscription and assignment bytes inside JoinGroup/SyncGroup. As in Kafka's
    /// `ConsumerProtocol`, a newer version is read with the newest known layout and trailing bytes are ignored.
    public static func decodeVersioned(_ bytes: [UInt8]) throws(KafkaProtocolError) -> Self {
        var buffer = ByteBuffer(bytes: bytes)
        let version = try buffer.readKafkaInt16(field: "\(Self.self).version")
        guard version >= validVersions.lowerBound else {
            throw KafkaProtocolError(.invalidValue("version \(version)"), field: "\(Self.self).version")
        }
        return try Self(from: &buffer, version: min(version, validVersions.upperBound))
    }

    /// Encodes INT16 `version` followed by the body.
    public func encodedVersioned(version: Int16) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeInteger(version)
        encode(into: &buffer, version: version)
        return Array(buffer.readableBytesView)
    }
}
