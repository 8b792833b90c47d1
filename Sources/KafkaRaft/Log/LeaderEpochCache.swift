/// Epoch → start offset of the log, ascending (Kafka's `LeaderEpochFileCache`, the
/// `leader-epoch-checkpoint`). Answers "where does epoch E end in this log", the question behind
/// Fetch's `divergingEpoch` and follower truncation.
public struct LeaderEpochCache: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var epoch: Int32
        public var startOffset: Int64

        public init(epoch: Int32, startOffset: Int64) {
            self.epoch = epoch
            self.startOffset = startOffset
        }
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    public var latestEpoch: Int32? { entries.last?.epoch }

    /// Records that `epoch` starts at `startOffset`, if it is newer than the latest epoch.
    public mutating func assign(epoch: Int32, startOffset: Int64) {
        if let last = entries.last {
            if epoch <= last.epoch { return }
            precondition(startOffset >= last.startOffset, "epoch \(epoch) at \(startOffset) precedes \(last)")
        }
        entries.append(Entry(epoch: epoch, startOffset: startOffset))
    }

    /// Drops epochs starting at or after `endOffset` (log truncated to `endOffset`).
    public mutating func truncateFromEnd(endOffset: Int64) {
        entries.removeAll { $0.startOffset >= endOffset }
    }

    /// Log start moved to `startOffset`: the epoch covering it now starts there.
    public mutating func truncateFromStart(startOffset: Int64) {
        guard let coveringIndex = entries.lastIndex(where: { $0.startOffset <= startOffset }) else { return }
        entries.removeFirst(coveringIndex)
        entries[0].startOffset = startOffset
    }

    /// `LeaderEpochFileCache.endOffsetFor`: the largest epoch ≤ `requestedEpoch` and the offset
    /// where it ends (the next epoch's start, or `logEndOffset` for the latest epoch); `nil` when no
    /// epoch ≤ `requestedEpoch` is known.
    public func endOffset(for requestedEpoch: Int32, logEndOffset: Int64) -> OffsetAndEpoch? {
        guard let floorIndex = entries.lastIndex(where: { $0.epoch <= requestedEpoch }) else { return nil }
        let end = floorIndex + 1 < entries.count ? entries[floorIndex + 1].startOffset : logEndOffset
        return OffsetAndEpoch(offset: end, epoch: entries[floorIndex].epoch)
    }
}
