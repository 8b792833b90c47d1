import KafkaController
import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol
import KafkaQuorumController
import KafkaRaft
import KafkaRaftServer
import Testing

/// What every controller does with the committed metadata log: replay below the high watermark, skip control
/// records, load snapshots, trace.
struct MetadataLogReplayerTests {
    static func register(_ id: Int32, epoch: Int64) -> MetadataRecord {
        .registerBroker(RegisterBrokerRecord(
            brokerId: id, incarnationId: KafkaUUID(mostSignificantBits: 1, leastSignificantBits: UInt64(id)), brokerEpoch: epoch,
            endPoints: [.init(name: "PLAINTEXT", host: "h", port: 9092, securityProtocol: 0)], rack: nil, fenced: true,
            inControlledShutdown: false))
    }

    static func data(_ record: MetadataRecord, epoch: Int32 = 1) -> RaftRecord {
        RaftRecord(epoch: epoch, payload: .data(MetadataRecordSerde.encode(MetadataRecordAndVersion(record))))
    }

    static let leaderChange = RaftRecord(epoch: 1, payload: .leaderChange(leaderId: 1, voters: [1, 2, 3]))

    @Test func catchUp_appliesOnlyCommittedRecordsInOrderAndSkipsControlRecords() throws {
        let log = RaftLog(snapshot: nil, startOffset: 0, records: [
            Self.leaderChange, Self.data(Self.register(101, epoch: 1)), Self.data(Self.register(102, epoch: 2)),
        ])
        var replayer = MetadataLogReplayer()
        let first = try replayer.catchUp(log: log, highWatermark: 2)
        #expect(first.map(\.offset) == [0, 1])
        #expect(first[0].record == nil)
        #expect(replayer.state.brokers.keys.sorted() == [101])
        #expect(replayer.nextOffset == 2)
        let second = try replayer.catchUp(log: log, highWatermark: 10)  // the HW may pass the local log end
        #expect(second.map(\.offset) == [2])
        #expect(replayer.state.brokers.keys.sorted() == [101, 102])
        #expect(try replayer.catchUp(log: log, highWatermark: 10).isEmpty)
    }

    @Test func catchUp_loadsTheSnapshotWhenTheLogStartsLater() throws {
        var source = QuorumControllerState()
        source.replay(Self.register(101, epoch: 1), offset: 1)
        source.replay(Self.register(102, epoch: 2), offset: 2)
        let snapshot = RaftSnapshot(
            id: OffsetAndEpoch(offset: 3, epoch: 1), data: MetadataSnapshotCodec.encode(source.snapshotRecords()))
        let log = RaftLog(snapshot: snapshot, startOffset: 3, records: [Self.data(Self.register(103, epoch: 3))])
        var replayer = MetadataLogReplayer()
        _ = try replayer.catchUp(log: log, highWatermark: 4)
        #expect(replayer.state.brokers.keys.sorted() == [101, 102, 103])
        #expect(replayer.nextOffset == 4)
        #expect(replayer.snapshotEndOffset == 3)
    }

    @Test func catchUp_refusesAGapNoSnapshotCovers() {
        let log = RaftLog(snapshot: nil, startOffset: 0, records: [])
        var replayer = MetadataLogReplayer()
        var gapped = RaftLog()
        let snapshot = RaftSnapshot(id: OffsetAndEpoch(offset: 5, epoch: 1), data: [0, 0, 0, 9])
        gapped.install(snapshot: snapshot)
        #expect(throws: MetadataLogReplayer.ReplayError.self) { try replayer.catchUp(log: gapped, highWatermark: 5) }
        #expect((try? replayer.catchUp(log: log, highWatermark: 0))?.isEmpty == true)
    }

    @Test func snapshotIsDue_afterEnoughBytes_andResetsWhenTaken() throws {
        let records = (1...20).map { Self.data(Self.register(Int32(100 + $0), epoch: Int64($0))) }
        var replayer = MetadataLogReplayer()
        _ = try replayer.catchUp(log: RaftLog(snapshot: nil, startOffset: 0, records: records), highWatermark: 20)
        #expect(replayer.isSnapshotDue(maxBytesBetweenSnapshots: 100))
        #expect(!replayer.isSnapshotDue(maxBytesBetweenSnapshots: 1_000_000))
        let (endOffset, data) = replayer.snapshot()
        #expect(endOffset == 20)
        #expect(try MetadataSnapshotCodec.decode(data).count == 20)
        replayer.snapshotTaken(endOffset: endOffset)
        #expect(!replayer.isSnapshotDue(maxBytesBetweenSnapshots: 100))
    }

    @Test func catchUp_tracesBrokerChangesAndPartitionsWithTheirOffsets() throws {
        let topicID = KafkaUUID(mostSignificantBits: 9, leastSignificantBits: 9)
        let log = RaftLog(snapshot: nil, startOffset: 0, records: [
            Self.leaderChange, Self.data(Self.register(101, epoch: 1)),
            Self.data(.brokerRegistrationChange(BrokerRegistrationChangeRecord(brokerId: 101, brokerEpoch: 1, fenced: -1))),
            Self.data(.topic(TopicRecord(name: "t", topicId: topicID))),
            Self.data(.partition(PartitionRecord(partitionId: 0, topicId: topicID, replicas: [101], isr: [101], leader: 101))),
        ])
        var replayer = MetadataLogReplayer()
        let applied = try replayer.catchUp(
            log: log, highWatermark: 5, trace: .init(controllerID: 1, raftEpoch: 1, timeMs: 42))
        let lines = applied.flatMap(\.trace)
        #expect(lines.count == 2)
        guard case .milestone(let change) = lines[0], case .transition(let transition) = lines[1] else {
            Issue.record("expected a brokerChange then a transition, got \(lines)")
            return
        }
        #expect(change.kind == .brokerChange && change.newBrokers == [101])
        #expect(transition.cause == "PartitionRecord@4")
        #expect(transition.to == "OnlinePartition")
    }
}
