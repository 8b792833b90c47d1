/// What the cleaner needs to know of one segment to choose and group work (pure input).
public struct SegmentSummary: Sendable, Hashable {
    public var baseOffset: Int64
    public var size: Int
    public var largestTimestamp: Int64

    public init(baseOffset: Int64, size: Int, largestTimestamp: Int64) {
        self.baseOffset = baseOffset
        self.size = size
        self.largestTimestamp = largestTimestamp
    }
}
