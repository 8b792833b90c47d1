import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol

/// One partition's replicated state (Kafka 3.3's `PartitionRegistration`): what PartitionRecord sets and
/// PartitionChangeRecord changes. `partitionEpoch` plays the role of ZooKeeper mode's zkVersion: every change
/// bumps it, and AlterPartition must name the current one.
public struct PartitionRegistration: Sendable, Hashable {
    public var replicas: [BrokerID]
    public var isr: [BrokerID]
    public var removingReplicas: [BrokerID]
    public var addingReplicas: [BrokerID]
    /// -1 when no replica can lead.
    public var leader: BrokerID
    public var leaderEpoch: Int32
    public var partitionEpoch: Int32

    public init(
        replicas: [BrokerID], isr: [BrokerID], leader: BrokerID, leaderEpoch: Int32 = 0, partitionEpoch: Int32 = 0,
        removingReplicas: [BrokerID] = [], addingReplicas: [BrokerID] = []
    ) {
        self.replicas = replicas
        self.isr = isr
        self.removingReplicas = removingReplicas
        self.addingReplicas = addingReplicas
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.partitionEpoch = partitionEpoch
    }

    public init(record: PartitionRecord) {
        self.init(
            replicas: record.replicas, isr: record.isr, leader: record.leader, leaderEpoch: record.leaderEpoch,
            partitionEpoch: record.partitionEpoch, removingReplicas: record.removingReplicas,
            addingReplicas: record.addingReplicas)
    }

    /// `PartitionRegistration.merge`: a leader change bumps the leader epoch; every change bumps the
    /// partition epoch.
    public func merging(_ change: PartitionChangeRecord) -> PartitionRegistration {
        var next = self
        if let isr = change.isr { next.isr = isr }
        if let replicas = change.replicas { next.replicas = replicas }
        if let removing = change.removingReplicas { next.removingReplicas = removing }
        if let adding = change.addingReplicas { next.addingReplicas = adding }
        if change.leader != PartitionChangeBuilder.noLeaderChange {
            next.leader = change.leader
            next.leaderEpoch += 1
        }
        next.partitionEpoch += 1
        return next
    }

    /// The ZooKeeper-mode shape (`LeaderAndIsr` with zkVersion = partition epoch).
    public var leaderAndISR: LeaderAndISR {
        LeaderAndISR(leader: leader, leaderEpoch: leaderEpoch, isr: isr, zkVersion: partitionEpoch)
    }

    public func record(topicID: KafkaUUID, partitionID: Int32) -> PartitionRecord {
        PartitionRecord(
            partitionId: partitionID, topicId: topicID, replicas: replicas, isr: isr,
            removingReplicas: removingReplicas, addingReplicas: addingReplicas, leader: leader,
            leaderEpoch: leaderEpoch, partitionEpoch: partitionEpoch)
    }
}
