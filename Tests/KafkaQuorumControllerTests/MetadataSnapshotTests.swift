import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol
import KafkaQuorumController
import Testing

/// KIP-630 snapshots of the controller state: the records that rebuild it, and their byte framing.
struct MetadataSnapshotTests {
    /// A cluster with brokers in every state, a topic with a config and a re-led partition.
    static func busyFixture() -> QuorumControllerFixture {
        var fixture = QuorumControllerFixture()
        fixture.startBrokers([1, 2, 3])
        fixture.createTopic("orders", partitions: 4, replicationFactor: 3)
        _ = fixture.commit(fixture.controller.setTopicConfig(topic: "orders", key: "cleanup.policy", value: "compact"))
        fixture.now += 10_000
        fixture.heartbeat(1)
        fixture.heartbeat(2)
        _ = fixture.fenceStaleBrokers()  // broker 3
        fixture.heartbeat(2, wantShutDown: true)  // controlled shutdown
        return fixture
    }

    @Test func snapshotRecords_rebuildTheSameState() throws {
        let fixture = Self.busyFixture()
        let state = fixture.controller.state
        #expect(state.brokers[3]?.fenced == true)
        #expect(state.brokers[2]?.inControlledShutdown == true)
        let rebuilt = QuorumControllerState(snapshotRecords: state.snapshotRecords(), lastAppliedOffset: state.lastAppliedOffset)
        #expect(rebuilt == state)
    }

    @Test func codec_roundTripsAndRejectsTruncatedBytes() throws {
        let records = Self.busyFixture().controller.state.snapshotRecords()
        let bytes = MetadataSnapshotCodec.encode(records)
        #expect(try MetadataSnapshotCodec.decode(bytes) == records)
        #expect(try MetadataSnapshotCodec.decode([]) == [])
        #expect(throws: KafkaProtocolError.self) { try MetadataSnapshotCodec.decode(Array(bytes.dropLast(3))) }
        #expect(throws: KafkaProtocolError.self) { try MetadataSnapshotCodec.decode([0xFF, 0xFF, 0xFF, 0xFF]) }
    }

    @Test func skipControlRecord_movesTheNextWriteOffsetPastIt() {
        var state = QuorumControllerState()
        state.skipControlRecord(offset: 0)
        #expect(QuorumController(state: state, now: 0).nextWriteOffset == 1)
    }

    @Test func unregisterBroker_removesItFromISRsAndMovesItsLeaderships() {
        var fixture = QuorumControllerFixture()
        fixture.startBrokers([1, 2])
        fixture.createTopic("t", partitions: 2, replicationFactor: 2)
        let led = fixture.controller.state.partitionsLed(by: 1).count
        #expect(led > 0)
        #expect(fixture.commit(fixture.controller.unregisterBroker(1)) == .none)
        #expect(fixture.controller.state.brokers[1] == nil)
        #expect(fixture.controller.state.partitionsLed(by: 1).isEmpty)
        #expect(fixture.controller.state.partitionsWithISRMember(1).isEmpty)
        #expect(fixture.commit(fixture.controller.unregisterBroker(1)) == .brokerIDNotRegistered)
    }
}
