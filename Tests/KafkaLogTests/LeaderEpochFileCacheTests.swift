import Testing

@testable import KafkaLog

/// Kafka 2.8 `LeaderEpochFileCache` semantics (LeaderEpochFileCacheTest.scala's cases, rewritten).
@Suite(.tags(.unit)) struct LeaderEpochFileCacheTests {
    private func cache(_ pairs: [(Int32, Int64)]) -> LeaderEpochFileCache {
        LeaderEpochFileCache(entries: pairs.map { EpochEntry(epoch: $0.0, startOffset: $0.1) })
    }

    private func pairs(_ cache: LeaderEpochFileCache) -> [[Int64]] {
        cache.entries.map { [Int64($0.epoch), $0.startOffset] }
    }

    @Test func assignKeepsEpochsAndOffsetsMonotonic() {
        var epochs = LeaderEpochFileCache()
        let changed1 = epochs.assign(epoch: 2, startOffset: 6)
        #expect(changed1)
        // Same epoch at a later offset: no change (the first offset of the epoch stays).
        let changed2 = epochs.assign(epoch: 2, startOffset: 10)
        #expect(!changed2)
        // Same epoch at an earlier offset: replaces it.
        let changed3 = epochs.assign(epoch: 2, startOffset: 5)
        #expect(changed3)
        #expect(pairs(epochs) == [[2, 5]])
        let changed4 = epochs.assign(epoch: 3, startOffset: 8)
        #expect(changed4)
        // A lower epoch at a later offset removes the conflicting higher epochs from the end.
        let changed5 = epochs.assign(epoch: 1, startOffset: 9)
        #expect(changed5)
        #expect(pairs(epochs) == [[1, 9]])
        // A higher epoch at an offset not above the last one's start removes that entry.
        var other = cache([(1, 0), (2, 10)])
        let changed6 = other.assign(epoch: 3, startOffset: 10)
        #expect(changed6)
        #expect(pairs(other) == [[1, 0], [3, 10]])
        // Negative epochs or offsets are never recorded.
        let changed7 = other.assign(epoch: -1, startOffset: 20)
        #expect(!changed7)
        let changed8 = other.assign(epoch: 4, startOffset: -1)
        #expect(!changed8)
        #expect(other.latestEpoch == 3 && other.previousEpoch == 1 && other.earliestEntry?.epoch == 1)
    }

    @Test func endOffsetForFollowsKafka() {
        let epochs = cache([(1, 0), (3, 10), (5, 20)])
        let undefined = (LeaderEpochFileCache.undefinedEpoch, LeaderEpochFileCache.undefinedEpochOffset)
        // UNDEFINED_EPOCH asked.
        #expect(epochs.endOffsetFor(requestedEpoch: -1, logEndOffset: 30) == undefined)
        // The latest epoch: the log end offset.
        #expect(epochs.endOffsetFor(requestedEpoch: 5, logEndOffset: 30) == (5, 30))
        // A known epoch: the start of the next one.
        #expect(epochs.endOffsetFor(requestedEpoch: 1, logEndOffset: 30) == (1, 10))
        #expect(epochs.endOffsetFor(requestedEpoch: 3, logEndOffset: 30) == (3, 20))
        // An unknown epoch between two: the largest epoch below it, ending where the next starts.
        #expect(epochs.endOffsetFor(requestedEpoch: 2, logEndOffset: 30) == (1, 10))
        #expect(epochs.endOffsetFor(requestedEpoch: 4, logEndOffset: 30) == (3, 20))
        // Below every epoch: the requested epoch, ending where the first known one starts.
        #expect(cache([(2, 5)]).endOffsetFor(requestedEpoch: 1, logEndOffset: 9) == (1, 5))
        // Above every epoch: undefined.
        #expect(epochs.endOffsetFor(requestedEpoch: 6, logEndOffset: 30) == undefined)
        #expect(LeaderEpochFileCache().endOffsetFor(requestedEpoch: 0, logEndOffset: 0) == undefined)
    }

    @Test func truncateFromEndRemovesEpochsStartingAtOrAfterTheOffset() {
        var epochs = cache([(1, 0), (3, 10), (5, 20)])
        let changed9 = epochs.truncateFromEnd(endOffset: 21)
        #expect(!changed9)
        let changed10 = epochs.truncateFromEnd(endOffset: 10)
        #expect(changed10)
        #expect(pairs(epochs) == [[1, 0]])
        let changed11 = epochs.truncateFromEnd(endOffset: -1)
        #expect(!changed11)
        let changed12 = epochs.truncateFromEnd(endOffset: 0)
        #expect(changed12)
        #expect(epochs.isEmpty)
    }

    @Test func truncateFromStartRewritesTheFirstEpochAtTheNewStart() {
        var epochs = cache([(1, 0), (3, 10), (5, 20)])
        let changed13 = epochs.truncateFromStart(startOffset: -1)
        #expect(!changed13)
        let changed14 = epochs.truncateFromStart(startOffset: 15)
        #expect(changed14)
        #expect(pairs(epochs) == [[3, 15], [5, 20]])
        let changed15 = epochs.truncateFromStart(startOffset: 25)
        #expect(changed15)
        #expect(pairs(epochs) == [[5, 25]])
        var all = cache([(1, 0)])
        let changed16 = all.clear() && all.isEmpty && !all.clear()
        #expect(changed16)
    }
}
