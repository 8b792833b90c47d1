import KafkaModel
import Testing

@testable import KafkaLog

/// The pure choice of what to clean: dirty ratio, uncleanable offset, segment groups.
@Suite(.tags(.unit)) struct CleanerSelectionTests {
    let tp = TopicPartition(topic: "t", partition: 0)
    let segments = [
        SegmentSummary(baseOffset: 0, size: 100, largestTimestamp: 1_000),
        SegmentSummary(baseOffset: 10, size: 100, largestTimestamp: 2_000),
        SegmentSummary(baseOffset: 20, size: 200, largestTimestamp: 3_000),
        SegmentSummary(baseOffset: 30, size: 50, largestTimestamp: 4_000),  // active
    ]

    func compute(checkpoint: Int64?, hw: Int64 = 35, lag: Int64 = 0, now: Int64 = 10_000) -> CleanableLog {
        CleanableLog.compute(
            topicPartition: tp, segments: segments, logStartOffset: 0, logEndOffset: 35, highWatermark: hw,
            checkpointedDirtyOffset: checkpoint, minCompactionLagMs: lag, nowMs: now)!
    }

    @Test func neverCleanedLog_isAllDirtyUpToTheActiveSegment() {
        let log = compute(checkpoint: nil)
        #expect(log.firstDirtyOffset == 0)
        #expect(log.firstUncleanableOffset == 30)
        #expect(log.cleanBytes == 0)
        #expect(log.cleanableBytes == 400)
        #expect(log.cleanableRatio == 1)
    }

    @Test func checkpoint_splitsCleanAndDirty_andBadCheckpointsReset() {
        let log = compute(checkpoint: 20)
        #expect(log.cleanBytes == 200 && log.cleanableBytes == 200)
        #expect(log.cleanableRatio == 0.5)
        #expect(compute(checkpoint: 99).firstDirtyOffset == 0)  // past the log end
        #expect(compute(checkpoint: -5).firstDirtyOffset == 0)  // below the log start
    }

    @Test func highWatermarkAndCompactionLag_limitTheCleanableSection() {
        #expect(compute(checkpoint: nil, hw: 15).firstUncleanableOffset == 10)
        #expect(compute(checkpoint: nil, hw: 15).cleanableBytes == 100)
        // Records younger than the lag (now 10_000, lag 8_500: newer than 1_500) stay dirty.
        #expect(compute(checkpoint: nil, lag: 8_500).firstUncleanableOffset == 10)
    }

    @Test func filthiest_picksHighestRatioAboveItsMinimum() {
        let a = compute(checkpoint: 20)  // 0.5
        let b = compute(checkpoint: nil)  // 1.0
        var c = compute(checkpoint: nil)
        c.cleanableBytes = 0
        #expect(CleanerSelection.filthiest([(a, 0.1), (b, 0.5)]) == b)
        #expect(CleanerSelection.filthiest([(a, 0.1), (b, 1.0)]) == a)
        #expect(CleanerSelection.filthiest([(a, 0.5), (c, 0)]) == nil)
    }

    @Test func groupBySize_mergesConsecutiveSegmentsWithinSegmentBytes() {
        let groups = CleanerSelection.groupBySize(
            Array(segments.dropLast()), nextOffsets: [10, 20, 30], maxSize: 250)
        #expect(groups == [[0, 1], [2]])
        #expect(CleanerSelection.groupBySize(Array(segments.dropLast()), nextOffsets: [10, 20, 30], maxSize: 50) == [[0], [1], [2]])
    }
}
