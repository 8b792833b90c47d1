/// One line of a `leader-epoch-checkpoint` (Kafka's `EpochEntry`): the first offset written under
/// a leader epoch.
public struct EpochEntry: Sendable, Hashable, CustomStringConvertible {
    public var epoch: Int32
    public var startOffset: Int64

    public init(epoch: Int32, startOffset: Int64) {
        self.epoch = epoch
        self.startOffset = startOffset
    }

    public var description: String { "EpochEntry(epoch=\(epoch), startOffset=\(startOffset))" }
}
