/// Kafka 2.8's `LeaderEpochFileCache` as a value: for each leader epoch, the first offset written
/// under it (KIP-101, KIP-279). Entries are ordered by epoch and by start offset, both strictly
/// increasing. Pure: the owning log persists `entries` to `leader-epoch-checkpoint` whenever a
/// mutating call reports a change (Kafka's `flush()` after each change).
public struct LeaderEpochFileCache: Sendable, Hashable {
    /// Kafka's `UNDEFINED_EPOCH` and `UNDEFINED_EPOCH_OFFSET` (`EpochEndOffset`).
    public static let undefinedEpoch: Int32 = -1
    public static let undefinedEpochOffset: Int64 = -1

    /// Ordered by epoch (and so by start offset).
    public private(set) var entries: [EpochEntry]

    public init() { entries = [] }

    /// Replays checkpointed entries through `assign`, as Kafka's constructor does, so a file with
    /// non-monotonic lines ends up monotonic.
    public init(entries: [EpochEntry]) {
        self.entries = []
        for entry in entries { assign(epoch: entry.epoch, startOffset: entry.startOffset) }
    }

    public var isEmpty: Bool { entries.isEmpty }
    public var latestEntry: EpochEntry? { entries.last }
    public var latestEpoch: Int32? { entries.last?.epoch }
    public var earliestEntry: EpochEntry? { entries.first }

    /// The epoch before the latest one (Kafka's `previousEpoch`).
    public var previousEpoch: Int32? { entries.count >= 2 ? entries[entries.count - 2].epoch : nil }

    /// Kafka's `assign`: records that `epoch` starts at `startOffset`. Nothing changes when the
    /// latest entry already has this epoch at an offset ≤ `startOffset`. Otherwise every entry
    /// with an epoch ≥ `epoch` or a start offset ≥ `startOffset` is removed from the end first, so
    /// epochs and offsets stay monotonic. Returns whether the cache changed. Kafka throws
    /// `IllegalArgumentException` for a negative epoch or offset; here such an entry is ignored
    /// (returns false): batches written without a leader epoch (-1) carry none.
    @discardableResult
    public mutating func assign(epoch: Int32, startOffset: Int64) -> Bool {
        guard epoch >= 0, startOffset >= 0 else { return false }
        if let last = entries.last, last.epoch == epoch, startOffset >= last.startOffset { return false }
        while let last = entries.last, last.epoch >= epoch || last.startOffset >= startOffset {
            entries.removeLast()
        }
        entries.append(EpochEntry(epoch: epoch, startOffset: startOffset))
        return true
    }

    /// Kafka's `endOffsetFor(requestedEpoch)`: the epoch and end offset a leader answers in
    /// OffsetsForLeaderEpoch and uses to find a follower's divergence.
    /// - `undefinedEpoch` asked: (undefined, undefined).
    /// - the latest epoch: (it, `logEndOffset`), the epoch still being written to.
    /// - no epoch above the requested one: (undefined, undefined).
    /// - below every known epoch: (requested, start of the first epoch) — older data is gone.
    /// - otherwise: (the largest epoch ≤ requested, start of the first epoch > requested).
    public func endOffsetFor(requestedEpoch: Int32, logEndOffset: Int64) -> (epoch: Int32, endOffset: Int64) {
        if requestedEpoch == Self.undefinedEpoch { return (Self.undefinedEpoch, Self.undefinedEpochOffset) }
        if latestEpoch == requestedEpoch { return (requestedEpoch, logEndOffset) }
        guard let higher = entries.first(where: { $0.epoch > requestedEpoch }) else {
            return (Self.undefinedEpoch, Self.undefinedEpochOffset)
        }
        guard let floor = entries.last(where: { $0.epoch <= requestedEpoch }) else {
            return (requestedEpoch, higher.startOffset)
        }
        return (floor.epoch, higher.startOffset)
    }

    /// Kafka's `truncateFromEnd`: after the log was truncated to `endOffset`, removes the entries
    /// starting at or after it. Returns whether the cache changed.
    @discardableResult
    public mutating func truncateFromEnd(endOffset: Int64) -> Bool {
        guard endOffset >= 0, let last = entries.last, last.startOffset >= endOffset else { return false }
        entries.removeAll { $0.startOffset >= endOffset }
        return true
    }

    /// Kafka's `truncateFromStart`: after the log start offset moved to `startOffset`, removes the
    /// entries starting at or before it and re-adds the last removed one's epoch at `startOffset`
    /// (the epoch the new first offset belongs to). Returns whether anything was removed (Kafka
    /// flushes then, even when the rewritten entry is identical).
    @discardableResult
    public mutating func truncateFromStart(startOffset: Int64) -> Bool {
        var lastRemoved: EpochEntry?
        while let first = entries.first, first.startOffset <= startOffset {
            lastRemoved = entries.removeFirst()
        }
        guard let lastRemoved else { return false }
        entries.insert(EpochEntry(epoch: lastRemoved.epoch, startOffset: startOffset), at: 0)
        return true
    }

    /// Kafka's `clearAndFlush` (without the flush): the log was emptied.
    @discardableResult
    public mutating func clear() -> Bool {
        guard !entries.isEmpty else { return false }
        entries.removeAll()
        return true
    }
}
