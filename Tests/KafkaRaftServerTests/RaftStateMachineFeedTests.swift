import KafkaMetadataRecords
import KafkaModel
import KafkaQuorumController
import KafkaRaft
import KafkaRaftServer
import KafkaTestKit
import Testing

/// What the Raft node hands the quorum controller's own queue: committed records once each, the role whenever
/// it changes, nothing for an idle input; and replaying those copies gives the state replaying the log gives.
@Suite("Raft state machine feed", .tags(.unit))
struct RaftStateMachineFeedTests {
    static func data(_ broker: Int32) -> RaftRecord { MetadataLogReplayerTests.data(MetadataLogReplayerTests.register(broker, epoch: Int64(broker))) }

    /// A single voter that has won its election: a LeaderChange record at 0, then `records`, all committed.
    static func leader(records: [RaftRecord]) -> RaftInstance {
        var instance = RaftInstance(localId: 1, voters: [1], config: RaftConfig(), quorumState: nil, log: RaftLog(), now: 0, seed: 1)
        var now: Int64 = 0
        _ = instance.start(now: now)
        while instance.state.name != "Leader", now < 10_000 {
            now += 10
            _ = instance.onTick(now: now)
        }
        _ = instance.append(records.map { if case .data(let bytes) = $0.payload { bytes } else { [] } }, now: now)
        _ = instance.onLogFlushed(endOffset: instance.log.endOffset, now: now)
        return instance
    }

    @Test func deliversCommittedRecordsOnce_andNothingWhenNothingChanged() throws {
        let instance = Self.leader(records: [Self.data(101), Self.data(102)])
        try #require(instance.state.name == "Leader")
        try #require(instance.highWatermark == 3)
        var feed = RaftStateMachineFeed()
        let firstUpdate = feed.update(after: instance, now: 5)
        let first = try #require(firstUpdate)
        #expect(first.role.isLeader && first.role.epochStartOffset == 0 && first.role.leaderID == 1)
        #expect(first.highWatermark == 3 && first.logEndOffset == 3)
        #expect(first.deliveries == [.commit(.init(
            records: [(Int64(1), Self.payload(101)), (Int64(2), Self.payload(102))], lastOffset: 2))])
        let second = feed.update(after: instance, now: 6)
        #expect(second == nil, "an input that changed nothing gives no update")
    }

    @Test func replayingTheDeliveriesEqualsReplayingTheLog() throws {
        let instance = Self.leader(records: (101...110).map { Self.data($0) })
        var feed = RaftStateMachineFeed()
        let firstUpdate = feed.update(after: instance, now: 5)
        let update = try #require(firstUpdate)
        var fromDeliveries = MetadataLogReplayer()
        for delivery in update.deliveries { _ = try fromDeliveries.apply(delivery) }
        var fromLog = MetadataLogReplayer()
        _ = try fromLog.catchUp(log: instance.log, highWatermark: instance.highWatermark)
        #expect(fromDeliveries.state == fromLog.state)
        #expect(fromDeliveries.nextOffset == 11 && fromLog.nextOffset == 11)
        // Delivered again (a duplicate), nothing changes.
        for delivery in update.deliveries { #expect(try fromDeliveries.apply(delivery).isEmpty) }
        #expect(fromDeliveries.state == fromLog.state)
    }

    @Test func apply_loadsASnapshotAhead_andSkipsTrailingControlRecords() throws {
        var source = QuorumControllerState()
        source.replay(MetadataLogReplayerTests.register(101, epoch: 1), offset: 1)
        let snapshot = RaftSnapshot(id: OffsetAndEpoch(offset: 4, epoch: 1), data: MetadataSnapshotCodec.encode(source.snapshotRecords()))
        var replayer = MetadataLogReplayer()
        _ = try replayer.apply(.snapshot(snapshot))
        #expect(replayer.nextOffset == 4 && replayer.state.brokers.keys.sorted() == [101])
        // A batch whose last offsets are control records (a LeaderChange at 6): nextOffset passes them.
        _ = try replayer.apply(.commit(.init(records: [(Int64(5), Self.payload(102))], lastOffset: 6)))
        #expect(replayer.nextOffset == 7 && replayer.state.brokers.keys.sorted() == [101, 102])
        // An older snapshot does not roll the state back.
        _ = try replayer.apply(.snapshot(snapshot))
        #expect(replayer.nextOffset == 7 && replayer.state.brokers.keys.sorted() == [101, 102])
    }

    static func payload(_ broker: Int32) -> [UInt8] {
        MetadataRecordSerde.encode(MetadataRecordAndVersion(MetadataLogReplayerTests.register(broker, epoch: Int64(broker))))
    }
}
