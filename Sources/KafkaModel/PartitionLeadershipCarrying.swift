/// A value built around one partition's leadership — leader, leader epoch, ISR, zkVersion (the partition epoch in
/// KRaft) and the epoch of the controller that decided them — held as one `LeaderISRAndControllerEpoch`, as Kafka
/// composes `LeaderIsrAndControllerEpoch` into what it sends and caches. The request states the controller builds
/// (`LeaderAndISRPartitionState`), the metadata cache's `UpdateMetadataPartitionState`, the replica manager's
/// `BecomeLeaderOrFollower` and the leader's `PartitionReplicationState` all carry it; the members below read and
/// write its fields, so none of those types stores them again.
public protocol PartitionLeadershipCarrying {
    var leadership: LeaderISRAndControllerEpoch { get set }
}

// Inlinable: Metadata answers and the controller's request batches read these per partition, from other modules.
extension PartitionLeadershipCarrying {
    @inlinable public var leaderAndISR: LeaderAndISR {
        get { leadership.leaderAndISR }
        set { leadership.leaderAndISR = newValue }
    }

    /// `LeaderAndISR.noLeader` when there is none.
    @inlinable public var leader: BrokerID {
        get { leadership.leaderAndISR.leader }
        set { leadership.leaderAndISR.leader = newValue }
    }

    @inlinable public var leaderEpoch: Int32 {
        get { leadership.leaderAndISR.leaderEpoch }
        set { leadership.leaderAndISR.leaderEpoch = newValue }
    }

    @inlinable public var isr: [BrokerID] {
        get { leadership.leaderAndISR.isr }
        set { leadership.leaderAndISR.isr = newValue }
    }

    /// The partition state znode's version (ZooKeeper mode) or the partition epoch (KRaft): the compare-and-set
    /// token of the leader's ISR updates.
    @inlinable public var zkVersion: Int32 {
        get { leadership.leaderAndISR.zkVersion }
        set { leadership.leaderAndISR.zkVersion = newValue }
    }

    /// The epoch of the controller that made this leadership decision.
    @inlinable public var controllerEpoch: Int32 {
        get { leadership.controllerEpoch }
        set { leadership.controllerEpoch = newValue }
    }
}
