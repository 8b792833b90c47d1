import KafkaProtocol
import NIOCore

/// A metadata record and the version it is (or was) written at: Kafka's `ApiMessageAndVersion`.
public struct MetadataRecordAndVersion: Sendable, Hashable {
    public var record: MetadataRecord
    public var version: Int16

    public init(_ record: MetadataRecord, version: Int16? = nil) {
        self.record = record
        self.version = version ?? record.defaultVersion
    }
}

/// The value framing of every record in `__cluster_metadata` (Kafka 3.3's `MetadataRecordSerde`, i.e.
/// `AbstractApiMessageSerde`):
///
///     unsigned varint frame version (always 1 when written)
///     unsigned varint record type id (the spec's apiKey)
///     unsigned varint record version
///     the record body at that version
///
/// Reading rejects frame version 0 (the 2.8 KRaft preview, which 3.3 refuses to upgrade from) and any other
/// frame version but 1, type or version values above `Int16.max`, unknown types, and bytes left after the body.
public enum MetadataRecordSerde {
    /// `AbstractApiMessageSerde.DEFAULT_FRAME_VERSION`.
    public static let frameVersion: UInt32 = 1

    public static func encode(_ value: MetadataRecordAndVersion, into buffer: inout ByteBuffer) {
        buffer.writeKafkaUnsignedVarint(frameVersion)
        buffer.writeKafkaUnsignedVarint(UInt32(UInt16(bitPattern: value.record.typeID)))
        buffer.writeKafkaUnsignedVarint(UInt32(UInt16(bitPattern: value.version)))
        value.record.encodeBody(into: &buffer, version: value.version)
    }

    public static func encode(_ value: MetadataRecordAndVersion) -> [UInt8] {
        var buffer = ByteBuffer()
        encode(value, into: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// Decodes one framed record that fills `bytes` exactly.
    public static func decode(_ bytes: [UInt8]) throws(KafkaProtocolError) -> MetadataRecordAndVersion {
        var buffer = ByteBuffer(bytes: bytes)
        let frame = try readShort(&buffer, entity: "frame version")
        if frame == 0 {
            throw KafkaProtocolError(
                .invalidValue("metadata record with frame version 0: upgrades from the KRaft preview in 2.8 are not supported"),
                field: "MetadataRecordSerde.frameVersion")
        }
        guard frame == Int16(frameVersion) else {
            throw KafkaProtocolError(
                .invalidValue("unknown frame version \(frame) (only frame version \(frameVersion) is supported)"),
                field: "MetadataRecordSerde.frameVersion")
        }
        let type = try readShort(&buffer, entity: "type")
        let version = try readShort(&buffer, entity: "version")
        let record = try MetadataRecord.decodeBody(typeID: type, version: version, from: &buffer)
        guard buffer.readableBytes == 0 else {
            throw KafkaProtocolError(
                .invalidValue("found \(buffer.readableBytes) byte(s) of garbage after record type \(type)"),
                field: "MetadataRecordSerde")
        }
        return MetadataRecordAndVersion(record, version: version)
    }

    /// `unsignedIntToShort`: an unsigned varint that must fit in a Java short.
    private static func readShort(_ buffer: inout ByteBuffer, entity: String) throws(KafkaProtocolError) -> Int16 {
        let value = try buffer.readKafkaUnsignedVarint(field: "MetadataRecordSerde.\(entity)")
        guard value <= UInt32(Int16.max) else {
            throw KafkaProtocolError(.invalidValue("value for \(entity) was too large"), field: "MetadataRecordSerde")
        }
        return Int16(value)
    }
}
