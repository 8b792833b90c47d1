/// A state-machine snapshot (KIP-630): everything below `id.offset`, produced by the state machine
/// at a committed offset. `id.epoch` is the epoch of the record at `id.offset - 1`.
public struct RaftSnapshot: Sendable, Equatable {
    public var id: OffsetAndEpoch
    public var data: [UInt8]

    public init(id: OffsetAndEpoch, data: [UInt8]) {
        self.id = id
        self.data = data
    }

    /// Kafka's checkpoint file name: 20-digit end offset, dash, 10-digit epoch.
    public var fileName: String {
        Self.zeroPadded(id.offset, width: 20) + "-" + Self.zeroPadded(Int64(id.epoch), width: 10) + ".checkpoint"
    }

    public static func zeroPadded(_ value: Int64, width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
