import KafkaRaft
import Testing

@Suite(.tags(.unit)) struct RaftLogTests {
    static func log(epochs: [Int32]) -> RaftLog {
        RaftLog(snapshot: nil, startOffset: 0, records: epochs.map { RaftRecord(epoch: $0, payload: .data([])) })
    }

    @Test func endOffsetForEpoch_answersFromTheEpochCache() {
        let log = Self.log(epochs: [1, 1, 3, 3, 3, 5])
        #expect(log.endOffset(forEpoch: 1) == OffsetAndEpoch(offset: 2, epoch: 1))
        #expect(log.endOffset(forEpoch: 2) == OffsetAndEpoch(offset: 2, epoch: 1))
        #expect(log.endOffset(forEpoch: 3) == OffsetAndEpoch(offset: 5, epoch: 3))
        #expect(log.endOffset(forEpoch: 5) == OffsetAndEpoch(offset: 6, epoch: 5))
        #expect(log.endOffset(forEpoch: 9) == OffsetAndEpoch(offset: 6, epoch: 5))
    }

    @Test func validate_divergingTail_namesTheEpochEnd() {
        let leader = Self.log(epochs: [1, 1, 2, 2])
        #expect(leader.validate(fetchOffset: 4, lastFetchedEpoch: 2) == .valid)
        #expect(leader.validate(fetchOffset: 2, lastFetchedEpoch: 1) == .valid)
        #expect(leader.validate(fetchOffset: 4, lastFetchedEpoch: 1) == .diverging(OffsetAndEpoch(offset: 2, epoch: 1)))
        #expect(leader.validate(fetchOffset: 0, lastFetchedEpoch: 0) == .valid)
    }

    @Test func validate_belowLogStart_namesTheSnapshot() {
        var log = Self.log(epochs: [1, 1, 2, 2])
        let snapshot = RaftSnapshot(id: OffsetAndEpoch(offset: 3, epoch: 2), data: [1])
        log.deletePrefix(snapshot: snapshot)
        #expect(log.startOffset == 3)
        #expect(log.records.count == 1)
        #expect(log.validate(fetchOffset: 0, lastFetchedEpoch: 0) == .snapshot(snapshot.id))
        #expect(log.validate(fetchOffset: 2, lastFetchedEpoch: 1) == .snapshot(snapshot.id))
        #expect(log.validate(fetchOffset: 3, lastFetchedEpoch: 2) == .valid)
        #expect(log.validate(fetchOffset: 4, lastFetchedEpoch: 2) == .valid)
        #expect(log.endOffset(forEpoch: 2) == OffsetAndEpoch(offset: 4, epoch: 2))
    }

    @Test func truncate_dropsTheEpochsAbove() {
        var log = Self.log(epochs: [1, 1, 2, 2, 3])
        log.truncate(toEndOffset: 2)
        #expect(log.endOffsetAndEpoch == OffsetAndEpoch(offset: 2, epoch: 1))
        #expect(log.epochCache.latestEpoch == 1)
    }

    @Test func snapshotFileName_isKafkasCheckpointName() {
        let snapshot = RaftSnapshot(id: OffsetAndEpoch(offset: 1234, epoch: 7), data: [])
        #expect(snapshot.fileName == "00000000000000001234-0000000007.checkpoint")
    }
}
