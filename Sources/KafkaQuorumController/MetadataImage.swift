import KafkaMetadata
import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol

/// The broker's view of the committed metadata (Kafka 3.3's `image.MetadataImage`): the same replay as the
/// controllers' (``QuorumControllerState``), up to `offset`, plus the conversion into the shape the broker's
/// ``MetadataCache`` takes, so the cache is fed from the log exactly as UpdateMetadata feeds it in ZooKeeper
/// mode.
public struct MetadataImage: Sendable, Hashable {
    public internal(set) var state: QuorumControllerState

    public static let empty = MetadataImage(state: QuorumControllerState())

    public init(state: QuorumControllerState) { self.state = state }

    /// The offset of the last record in the image, -1 when empty.
    public var offset: Int64 { state.lastAppliedOffset }

    /// The image as a full-state UpdateMetadata: live brokers are the unfenced ones (KRaft's
    /// `KRaftMetadataCache` alive brokers), each partition's zkVersion is its partition epoch and its
    /// offline replicas those on brokers that are not alive. The active controller's id and Raft epoch stand
    /// for ZooKeeper mode's controller id and epoch. Topics of `previous` that are gone are sent with leader
    /// -2, ZooKeeper mode's "being deleted" marker, so the cache drops them.
    public func metadataUpdate(controllerID: BrokerID, controllerEpoch: Int32, previous: MetadataImage? = nil) -> MetadataUpdate {
        let alive = state.brokers.values.filter { !$0.fenced }.sorted { $0.id < $1.id }
        let aliveIDs = Set(alive.map(\.id))
        var partitions: [PartitionMetadata] = []
        var topicIDs: [String: KafkaTopicID] = [:]
        for topic in state.topics.values.sorted(by: { $0.name < $1.name }) {
            topicIDs[topic.name] = KafkaTopicID(uuid: topic.id)
            for id in topic.partitions.keys.sorted() {
                let p = topic.partitions[id]!
                partitions.append(PartitionMetadata(
                    topicPartition: TopicPartition(topic: topic.name, partition: id), controllerEpoch: controllerEpoch,
                    leader: p.leader, leaderEpoch: p.leaderEpoch, isr: p.isr, zkVersion: p.partitionEpoch,
                    replicas: p.replicas, offlineReplicas: p.replicas.filter { !aliveIDs.contains($0) }))
            }
        }
        for topic in (previous?.state.topics.values ?? [:].values).sorted(by: { $0.name < $1.name })
        where state.topics[topic.id] == nil {
            for id in topic.partitions.keys.sorted() {
                let p = topic.partitions[id]!
                partitions.append(PartitionMetadata(
                    topicPartition: TopicPartition(topic: topic.name, partition: id), controllerEpoch: controllerEpoch,
                    leader: PartitionMetadata.leaderDuringDelete, leaderEpoch: p.leaderEpoch, isr: p.isr,
                    zkVersion: p.partitionEpoch, replicas: p.replicas))
            }
        }
        return MetadataUpdate(
            controllerID: controllerID, controllerEpoch: controllerEpoch, liveBrokers: alive.map(\.brokerInfo),
            partitions: partitions, topicIDs: topicIDs)
    }
}

extension KafkaTopicID {
    /// The 16 bytes of a topic id, most significant half first (as on the wire).
    public init(uuid: KafkaUUID) {
        var bytes: [UInt8] = []
        for half in [uuid.mostSignificantBits, uuid.leastSignificantBits] {
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: half >> UInt64(shift))) }
        }
        self.init(bytes: bytes)
    }
}
