/// An offset in the metadata log together with the epoch of the leader that wrote the record
/// before it (Kafka's `OffsetAndEpoch`). Also names a snapshot: `<endOffset>-<epoch>.checkpoint`.
public struct OffsetAndEpoch: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var offset: Int64
    public var epoch: Int32

    public init(offset: Int64, epoch: Int32) {
        self.offset = offset
        self.epoch = epoch
    }

    /// Raft's "at least as up to date" order: epoch first, then offset (KIP-595 Vote).
    public static func < (lhs: OffsetAndEpoch, rhs: OffsetAndEpoch) -> Bool {
        lhs.epoch != rhs.epoch ? lhs.epoch < rhs.epoch : lhs.offset < rhs.offset
    }

    public var description: String { "(offset \(offset), epoch \(epoch))" }
}
