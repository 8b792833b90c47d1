import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol

/// Committed records applied on top of an image (Kafka 3.3's `image.MetadataDelta`): the next image, and
/// what changed for one broker's replicas, which is what LeaderAndIsr and StopReplica tell a broker in
/// ZooKeeper mode (`TopicsDelta.localChanges`, applied by `ReplicaManager.applyDelta`).
public struct MetadataDelta: Sendable, Hashable {
    public let base: MetadataImage
    public private(set) var image: MetadataImage

    public init(base: MetadataImage) {
        self.base = base
        self.image = base
    }

    /// A delta from `base` to an image loaded from elsewhere (a snapshot): everything not in `image` is
    /// gone, everything that differs changed (Kafka's `MetadataDelta` built by `SnapshotLoader`).
    public init(base: MetadataImage, replacingWith image: MetadataImage) {
        self.base = base
        self.image = image
    }

    public mutating func replay(_ record: MetadataRecord, offset: Int64) {
        image.state.replay(record, offset: offset)
    }

    /// `TopicsDelta.localChanges(brokerId)`: for every partition that changed (its partition epoch moved,
    /// or it is new), the broker becomes its leader if it is the leader, a follower if it is another replica,
    /// and deletes its replica when it is no longer one, or when the topic was removed.
    public func localChanges(broker: BrokerID) -> LocalReplicaChanges {
        var changes = LocalReplicaChanges()
        for topic in image.state.topics.values.sorted(by: { $0.name < $1.name }) {
            let previous = base.state.topics[topic.id]
            for id in topic.partitions.keys.sorted() {
                let now = topic.partitions[id]!
                let before = previous?.partitions[id]
                let tp = TopicPartition(topic: topic.name, partition: id)
                if !now.replicas.contains(broker) {
                    if before?.replicas.contains(broker) == true { changes.deletes.append(tp) }
                } else if before?.partitionEpoch != now.partitionEpoch || before == nil {
                    if now.leader == broker {
                        changes.leaders[tp] = now
                    } else {
                        changes.followers[tp] = now
                    }
                }
            }
        }
        for topic in base.state.topics.values.sorted(by: { $0.name < $1.name }) where image.state.topics[topic.id] == nil {
            for id in topic.partitions.keys.sorted() where topic.partitions[id]!.replicas.contains(broker) {
                changes.deletes.append(TopicPartition(topic: topic.name, partition: id))
            }
        }
        return changes
    }
}
