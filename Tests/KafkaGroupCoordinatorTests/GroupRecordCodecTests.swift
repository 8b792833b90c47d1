import KafkaGroupCoordinator
import KafkaModel
import Testing

@Suite("__consumer_offsets record formats and the coordinator partition", .tags(.unit))
struct GroupRecordCodecTests {
    @Test("partitionFor is abs(Java String.hashCode) mod the partition count")
    func partitionFor() {
        #expect(CoordinatorPartition.javaStringHashCode("") == 0)
        #expect(CoordinatorPartition.javaStringHashCode("abc") == 96_354)
        #expect(CoordinatorPartition.javaStringHashCode("my-group") == -1_906_497_762)
        #expect(CoordinatorPartition.partition(for: "test-group", partitionCount: 50) == 12)
        #expect(CoordinatorPartition.partition(for: "my-group", partitionCount: 50) == 36)
    }

    @Test("offset keys are version 1 (group, topic, partition); group keys version 2 — Kafka's bytes")
    func keys() throws {
        let offsetKey = GroupRecordCodec.encodeKey(.offset(groupId: "g", TopicPartition(topic: "t", partition: 3)))
        #expect(offsetKey == [0, 1, 0, 1, 0x67, 0, 1, 0x74, 0, 0, 0, 3])
        let groupKey = GroupRecordCodec.encodeKey(.group("g"))
        #expect(groupKey == [0, 2, 0, 1, 0x67])
        #expect(try GroupRecordCodec.decodeKey(offsetKey) == .offset(groupId: "g", TopicPartition(topic: "t", partition: 3)))
        #expect(try GroupRecordCodec.decodeKey([0, 0, 0, 1, 0x67, 0, 1, 0x74, 0, 0, 0, 3]) == .offset(groupId: "g", TopicPartition(topic: "t", partition: 3)))
        #expect(throws: GroupRecordCodec.DecodingError.self) { try GroupRecordCodec.decodeKey([0, 9, 0, 0]) }
        #expect(throws: GroupRecordCodec.DecodingError.self) { try GroupRecordCodec.decodeKey([0, 1, 0, 5, 0x67]) }
    }

    @Test("offset values: version 3 normally, version 1 with an expire timestamp, older versions readable")
    func offsetValues() throws {
        let value = OffsetAndMetadata(offset: 42, leaderEpoch: 7, metadata: "m", commitTimestampMs: 1_000)
        let bytes = GroupRecordCodec.encodeOffset(value)
        #expect(bytes == [0, 3] + [0, 0, 0, 0, 0, 0, 0, 42] + [0, 0, 0, 7] + [0, 1, 0x6d] + [0, 0, 0, 0, 0, 0, 0x03, 0xe8])
        #expect(try GroupRecordCodec.decodeOffset(bytes) == value)
        let expiring = OffsetAndMetadata(offset: 1, metadata: "", commitTimestampMs: 5, expireTimestampMs: 9)
        #expect(GroupRecordCodec.encodeOffset(expiring).prefix(2) == [0, 1])
        #expect(try GroupRecordCodec.decodeOffset(GroupRecordCodec.encodeOffset(expiring)) == expiring)
        let v0: [UInt8] = [0, 0] + [0, 0, 0, 0, 0, 0, 0, 9] + [0, 0] + [0, 0, 0, 0, 0, 0, 0, 1]
        #expect(try GroupRecordCodec.decodeOffset(v0) == OffsetAndMetadata(offset: 9, metadata: "", commitTimestampMs: 1))
    }

    @Test("group values are version 3 and round-trip with members, instance ids and assignments")
    func groupValues() throws {
        let value = GroupMetadataValue(
            groupId: "g", protocolType: "consumer", generation: 4, protocolName: "range", leader: "m1",
            currentStateTimestampMs: 77,
            members: [
                .init(memberId: "m1", groupInstanceId: nil, clientId: "c", clientHost: "/127.0.0.1", rebalanceTimeoutMs: 300_000,
                      sessionTimeoutMs: 10_000, subscription: [0, 1], assignment: [2, 3]),
                .init(memberId: "m2", groupInstanceId: "i2", clientId: "c", clientHost: "/127.0.0.1", rebalanceTimeoutMs: 300_000,
                      sessionTimeoutMs: 10_000, subscription: [], assignment: []),
            ])
        let bytes = GroupRecordCodec.encodeGroup(value)
        #expect(bytes.prefix(2) == [0, 3])
        #expect(try GroupRecordCodec.decodeGroup(groupId: "g", bytes) == value)
        let empty = GroupMetadataValue(
            groupId: "g", protocolType: "", generation: 1, protocolName: nil, leader: nil, currentStateTimestampMs: 5, members: [])
        #expect(try GroupRecordCodec.decodeGroup(groupId: "g", GroupRecordCodec.encodeGroup(empty)) == empty)
        #expect(throws: GroupRecordCodec.DecodingError.self) { try GroupRecordCodec.decodeGroup(groupId: "g", [0, 3, 0]) }
    }
}
