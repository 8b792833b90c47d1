import KafkaProtocol
import NIOCore
import Testing

@testable import KafkaMetadataRecords

/// The generated 3.3.2 metadata records and their ApiMessageAndVersion framing.
@Suite(.tags(.unit)) struct MetadataRecordSerdeTests {
    @Test(arguments: allMetadataRecordTypes.map { String(describing: $0) })
    func generatedRecord_roundTripsEveryVersion(_ name: String) throws {
        let type = try #require(allMetadataRecordTypes.first { String(describing: $0) == name })
        try roundTrip(type)
    }

    private func roundTrip<T: KafkaMessage & KafkaSampleProviding>(_ type: T.Type) throws {
        let sample = T.sampleForTesting()
        for version in T.validVersions {
            let decoded = try T.decode(sample.encoded(version: version), version: version)
            #expect(decoded.encoded(version: version) == sample.encoded(version: version), "\(T.self) v\(version)")
        }
    }

    @Test func noOpRecord_goldenBytes() throws {
        // frame version 1, type 20, version 0, then the body: no fields, zero tagged fields.
        let bytes = MetadataRecordSerde.encode(MetadataRecordAndVersion(.noOp(NoOpRecord())))
        #expect(bytes == [0x01, 0x14, 0x00, 0x00])
        #expect(try MetadataRecordSerde.decode(bytes) == MetadataRecordAndVersion(.noOp(NoOpRecord()), version: 0))
    }

    @Test func topicRecord_goldenBytes() throws {
        let id = KafkaUUID(mostSignificantBits: 1, leastSignificantBits: 2)
        let bytes = MetadataRecordSerde.encode(MetadataRecordAndVersion(.topic(TopicRecord(name: "foo", topicId: id))))
        let expected: [UInt8] =
            [0x01, 0x02, 0x00]  // frame 1, TopicRecord (2), v0
            + [0x04] + Array("foo".utf8)  // compact string: length + 1
            + [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2]  // uuid, big-endian halves
            + [0x00]  // no tagged fields
        #expect(bytes == expected)
    }

    @Test func partitionChangeRecord_writesOnlyChangedTaggedFields() throws {
        let id = KafkaUUID(mostSignificantBits: 0, leastSignificantBits: 9)
        let record = PartitionChangeRecord(partitionId: 7, topicId: id, leader: 3)
        let bytes = MetadataRecordSerde.encode(MetadataRecordAndVersion(.partitionChange(record)))
        let expected: [UInt8] =
            [0x01, 0x05, 0x00]  // frame 1, PartitionChangeRecord (5), v0
            + [0, 0, 0, 7]  // PartitionId
            + [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]  // TopicId
            + [0x01, 0x01, 0x04, 0, 0, 0, 3]  // one tagged field: tag 1 (Leader), 4 bytes, 3
        #expect(bytes == expected)
        let decoded = try MetadataRecordSerde.decode(bytes)
        guard case .partitionChange(let back) = decoded.record else { Issue.record("wrong type"); return }
        #expect(back.isr == nil)
        #expect(back.leader == 3)
    }

    @Test func registerBrokerRecord_defaultsToVersion1() throws {
        let record = RegisterBrokerRecord(brokerId: 1, brokerEpoch: 42, inControlledShutdown: true)
        let framed = MetadataRecordAndVersion(.registerBroker(record))
        #expect(framed.version == 1)
        #expect(try MetadataRecordSerde.decode(MetadataRecordSerde.encode(framed)) == framed)
    }

    @Test func decode_rejectsFrameVersion0_unknownFrames_unknownTypes_andTrailingBytes() {
        #expect(throws: KafkaProtocolError.self) { try MetadataRecordSerde.decode([0x00, 0x14, 0x00, 0x00]) }
        #expect(throws: KafkaProtocolError.self) { try MetadataRecordSerde.decode([0x02, 0x14, 0x00, 0x00]) }
        #expect(throws: KafkaProtocolError.self) { try MetadataRecordSerde.decode([0x01, 0x63, 0x00, 0x00]) }
        #expect(throws: KafkaProtocolError.self) { try MetadataRecordSerde.decode([0x01, 0x14, 0x00, 0x00, 0x00]) }
    }
}
