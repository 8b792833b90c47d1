import KafkaRaft

/// A quorum member in the simulation: its disk (which survives crashes), and while it runs, its
/// Raft core and state machine. `incarnation` tells events of a crashed run from current ones.
final class SimulatedNode {
    let id: Int32
    var disk = SimulatedDisk()
    var instance: RaftInstance?
    var stateMachine = SimulatedStateMachine()
    var incarnation = 0
    /// The pending `onTick` event's time, if one is scheduled.
    var scheduledTick: Int64?
    /// High watermark after the previous step, for the monotonicity invariant.
    var lastHighWatermark: Int64 = 0

    init(id: Int32) { self.id = id }

    var isRunning: Bool { instance != nil }
}
