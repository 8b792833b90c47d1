import KafkaRaft
import KafkaRaftServer
import Testing

/// Which committed records a Raft listener hears, and when it must load a snapshot first.
@Suite("Raft commit cursor", .tags(.unit))
struct RaftCommitCursorTests {
    func record(_ byte: UInt8, epoch: Int32 = 1) -> RaftRecord { RaftRecord(epoch: epoch, payload: .data([byte])) }

    @Test func deliversDataRecordsUpToTheHighWatermark_skippingControlRecords_butCountingThem() {
        let log = RaftLog(snapshot: nil, startOffset: 0, records: [
            RaftRecord(epoch: 1, payload: .leaderChange(leaderId: 1, voters: [1])), record(10), record(11), record(12),
        ])
        var cursor = RaftCommitCursor()
        #expect(cursor.advance(log: log, highWatermark: 0).isEmpty)
        let first = cursor.advance(log: log, highWatermark: 3)
        #expect(first == [.commit(.init(records: [(1, [10]), (2, [11])], lastOffset: 2))])
        #expect(cursor.nextOffset == 3)
        #expect(cursor.advance(log: log, highWatermark: 3).isEmpty)
        #expect(cursor.advance(log: log, highWatermark: 4) == [.commit(.init(records: [(3, [12])], lastOffset: 3))])
    }

    @Test func splitsLargeDeliveries() {
        let log = RaftLog(snapshot: nil, startOffset: 0, records: (0..<10).map { record(UInt8($0)) })
        var cursor = RaftCommitCursor()
        let deliveries = cursor.advance(log: log, highWatermark: 10, maxRecords: 4)
        #expect(deliveries.count == 3)
        #expect(cursor.nextOffset == 10)
    }

    @Test func aListenerBehindTheLogStart_getsTheSnapshotFirst() {
        let snapshot = RaftSnapshot(id: OffsetAndEpoch(offset: 5, epoch: 1), data: [1, 2, 3])
        let log = RaftLog(snapshot: snapshot, startOffset: 5, records: [record(50), record(51)])
        var cursor = RaftCommitCursor()
        let deliveries = cursor.advance(log: log, highWatermark: 7)
        #expect(deliveries == [.snapshot(snapshot), .commit(.init(records: [(5, [50]), (6, [51])], lastOffset: 6))])
    }
}
