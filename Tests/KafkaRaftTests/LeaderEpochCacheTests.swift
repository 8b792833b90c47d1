import KafkaRaft
import Testing

@Suite(.tags(.unit)) struct LeaderEpochCacheTests {
    @Test func truncateFromStart_movesTheCoveringEpochToTheNewStart() {
        var cache = LeaderEpochCache()
        cache.assign(epoch: 1, startOffset: 0)
        cache.assign(epoch: 3, startOffset: 5)
        cache.assign(epoch: 4, startOffset: 9)
        cache.truncateFromStart(startOffset: 7)
        #expect(cache.entries.map(\.epoch) == [3, 4])
        #expect(cache.entries.map(\.startOffset) == [7, 9])
        #expect(cache.endOffset(for: 2, logEndOffset: 12) == nil)
        #expect(cache.endOffset(for: 3, logEndOffset: 12) == OffsetAndEpoch(offset: 9, epoch: 3))
    }

    @Test func assign_ignoresOlderOrEqualEpochs() {
        var cache = LeaderEpochCache()
        cache.assign(epoch: 2, startOffset: 0)
        cache.assign(epoch: 2, startOffset: 4)
        cache.assign(epoch: 1, startOffset: 6)
        #expect(cache.entries == [LeaderEpochCache.Entry(epoch: 2, startOffset: 0)])
    }
}
