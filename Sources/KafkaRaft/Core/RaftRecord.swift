/// One record of the `__cluster_metadata` log as the Raft core sees it: the epoch of the leader
/// that appended it, and either a control record or opaque data for the state machine.
public struct RaftRecord: Sendable, Equatable {
    public enum Payload: Sendable, Equatable {
        /// The `LeaderChangeMessage` control record a leader appends at the start of its epoch
        /// (KIP-595): the HW can only pass `epochStartOffset` once this record is committed.
        case leaderChange(leaderId: Int32, voters: [Int32])
        /// A state-machine record (for the controller: serialized metadata records).
        case data([UInt8])
    }

    public var epoch: Int32
    public var payload: Payload

    public init(epoch: Int32, payload: Payload) {
        self.epoch = epoch
        self.payload = payload
    }
}
