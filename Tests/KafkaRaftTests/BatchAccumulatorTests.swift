import KafkaRaft
import Testing

/// Kafka 3.3's `BatchAccumulator` behaviour: records within the linger share a batch, a full batch goes out
/// at once, offsets are assigned on arrival and batches leave in order.
@Suite(.tags(.unit)) struct BatchAccumulatorTests {
    @Test func appendsWithinTheLinger_shareOneBatch_drainedOnlyOnceItEnds() {
        var accumulator = BatchAccumulator<Int>(nextOffset: 10, lingerMs: 25, maxBatchSize: 500)
        #expect(accumulator.append([1, 2], now: 100) == 10)
        #expect(accumulator.append([3], now: 110) == 12)
        #expect(accumulator.lingerDeadline == 125, "the linger runs from the batch's first record")
        #expect(accumulator.drain(now: 124).isEmpty)
        #expect(!accumulator.hasReadyBatches(now: 124))
        let batches = accumulator.drain(now: 125)
        #expect(batches.map(\.baseOffset) == [10])
        #expect(batches.map(\.elements) == [[1, 2, 3]])
        #expect(accumulator.lingerDeadline == nil)
        #expect(accumulator.pendingCount == 0)
        #expect(accumulator.nextOffset == 13)
    }

    @Test func aFullBatch_isReadyAtOnce_andTheRestStartsANewLinger() {
        var accumulator = BatchAccumulator<Int>(nextOffset: 0, lingerMs: 25, maxBatchSize: 3)
        accumulator.append([1, 2], now: 0)
        accumulator.append([3, 4], now: 5)
        #expect(accumulator.hasReadyBatches(now: 5))
        let first = accumulator.drain(now: 5)
        #expect(first.map(\.elements) == [[1, 2, 3]])
        #expect(first.map(\.baseOffset) == [0])
        #expect(accumulator.lingerDeadline == 30, "the leftover record opened a batch at 5 ms")
        #expect(accumulator.drain(now: 29).isEmpty)
        let second = accumulator.drain(now: 30)
        #expect(second.map(\.elements) == [[4]])
        #expect(second.map(\.baseOffset) == [3])
    }

    @Test func aLargeOperation_isSplitIntoConsecutiveBatches() {
        var accumulator = BatchAccumulator<Int>(nextOffset: 7, lingerMs: 25, maxBatchSize: 500)
        #expect(accumulator.append(Array(0..<1_234), now: 0) == 7)
        let batches = accumulator.drain(now: 0)
        #expect(batches.map(\.elements.count) == [500, 500], "two full batches go at once, 234 records linger")
        #expect(batches.map(\.baseOffset) == [7, 507])
        #expect(accumulator.pendingCount == 234)
        let rest = accumulator.drainAll()
        #expect(rest.map(\.baseOffset) == [1_007])
        #expect(rest.first?.elements == Array(1_000..<1_234))
        #expect(accumulator.nextOffset == 7 + 1_234)
        #expect((batches + rest).flatMap(\.elements) == Array(0..<1_234), "nothing lost or reordered")
    }

    @Test func emptyAppends_changeNothing_andDrainAllEmptiesEverything() {
        var accumulator = BatchAccumulator<Int>(nextOffset: 4, lingerMs: 25, maxBatchSize: 2)
        #expect(accumulator.append([], now: 0) == nil)
        #expect(accumulator.lingerDeadline == nil)
        #expect(accumulator.drainAll().isEmpty)
        accumulator.append([1, 2, 3], now: 1)
        let all = accumulator.drainAll()
        #expect(all.map(\.baseOffset) == [4, 6])
        #expect(all.map(\.elements) == [[1, 2], [3]])
        #expect(accumulator.pendingCount == 0)
        #expect(accumulator.drain(now: 1_000).isEmpty)
    }

    @Test func zeroLinger_drainsTheOpenBatchOnTheSameTick() {
        var accumulator = BatchAccumulator<Int>(nextOffset: 0, lingerMs: 0, maxBatchSize: 500)
        accumulator.append([9], now: 50)
        #expect(accumulator.drain(now: 50).map(\.elements) == [[9]])
    }
}
