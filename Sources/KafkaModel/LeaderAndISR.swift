/// A partition's leader and in-sync replicas with their epochs: Kafka's `LeaderAndIsr`.
///
/// `zkVersion` is the version of the partition's state znode
/// (`/brokers/topics/<t>/partitions/<p>/state`), the compare-and-set token for every update.
public struct LeaderAndISR: Sendable, Hashable, CustomStringConvertible {
    /// `-1` means no leader (Kafka's `LeaderAndIsr.NoLeader`).
    public static let noLeader: BrokerID = -1
    /// The leader an UpdateMetadata request gives partitions of topics being deleted: brokers drop them from
    /// their metadata cache (Kafka's `LeaderAndIsr.LeaderDuringDelete`).
    public static let leaderDuringDelete: BrokerID = -2
    /// The leader epoch of a partition that has just been created.
    public static let initialLeaderEpoch: Int32 = 0
    /// The znode version a partition state znode has right after creation.
    public static let initialZKVersion: Int32 = 0

    public var leader: BrokerID
    public var leaderEpoch: Int32
    public var isr: [BrokerID]
    public var zkVersion: Int32

    public init(leader: BrokerID, leaderEpoch: Int32, isr: [BrokerID], zkVersion: Int32) {
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.isr = isr
        self.zkVersion = zkVersion
    }

    /// A fresh partition's state: leader epoch 0, zkVersion 0.
    public init(leader: BrokerID, isr: [BrokerID]) {
        self.init(leader: leader, leaderEpoch: Self.initialLeaderEpoch, isr: isr, zkVersion: Self.initialZKVersion)
    }

    /// The state UpdateMetadata sends for a partition of a topic being deleted (Kafka's `LeaderAndIsr.duringDelete`):
    /// leader `leaderDuringDelete`, epoch and zkVersion back at their initial values.
    public static func duringDelete(isr: [BrokerID]) -> LeaderAndISR {
        LeaderAndISR(leader: leaderDuringDelete, isr: isr)
    }

    /// The state after a controller-driven change: leader epoch + 1 (Kafka's `newLeaderAndIsr`).
    public func newLeaderAndISR(leader: BrokerID, isr: [BrokerID]) -> LeaderAndISR {
        LeaderAndISR(leader: leader, leaderEpoch: leaderEpoch + 1, isr: isr, zkVersion: zkVersion)
    }

    /// The state after a leader shrinks or expands the ISR: the leader epoch is kept (Kafka 2.8's
    /// `Partition.shrinkIsr/expandIsr` write the same leader epoch).
    public func newEpochlessISR(_ isr: [BrokerID]) -> LeaderAndISR {
        LeaderAndISR(leader: leader, leaderEpoch: leaderEpoch, isr: isr, zkVersion: zkVersion)
    }

    /// Kafka's `LeaderAndIsr.equalsIgnoreZkVersion`: the same leader, epoch and ISR, whatever the znode version
    /// (a conditional write that failed on the version may have landed before).
    public func equalsIgnoringZKVersion(_ other: LeaderAndISR) -> Bool {
        leader == other.leader && leaderEpoch == other.leaderEpoch && isr == other.isr
    }

    public var description: String {
        "(Leader:\(leader),ISR:\(isr.map(String.init).joined(separator: ",")),LeaderEpoch:\(leaderEpoch),ZkVersion:\(zkVersion))"
    }
}

/// A `LeaderAndISR` together with the epoch of the controller that wrote it: what a partition
/// state znode holds (Kafka's `LeaderIsrAndControllerEpoch`).
public struct LeaderISRAndControllerEpoch: Sendable, Hashable, CustomStringConvertible {
    public var leaderAndISR: LeaderAndISR
    public var controllerEpoch: Int32

    public init(leaderAndISR: LeaderAndISR, controllerEpoch: Int32) {
        self.leaderAndISR = leaderAndISR
        self.controllerEpoch = controllerEpoch
    }

    public init(leader: BrokerID, leaderEpoch: Int32, isr: [BrokerID], zkVersion: Int32, controllerEpoch: Int32) {
        self.init(
            leaderAndISR: LeaderAndISR(leader: leader, leaderEpoch: leaderEpoch, isr: isr, zkVersion: zkVersion),
            controllerEpoch: controllerEpoch)
    }

    public var description: String { "\(leaderAndISR),ControllerEpoch:\(controllerEpoch)" }
}
