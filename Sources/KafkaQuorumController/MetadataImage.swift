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
        var partitions: [UpdateMetadataPartitionState] = []
        var topicIDs: [String: KafkaTopicID] = [:]
        for topic in state.topics.values.sorted(by: { $0.name < $1.name }) {
            topicIDs[topic.name] = KafkaTopicID(uuid: topic.id)
            for id in topic.partitions.keys.sorted() {
                partitions.append(topic.partitions[id]!.updateMetadataState(
                    TopicPartition(topic: topic.name, partition: id), controllerEpoch: controllerEpoch, alive: aliveIDs))
            }
        }
        for topic in (previous?.state.topics.values ?? [:].values).sorted(by: { $0.name < $1.name })
        where state.topics[topic.id] == nil {
            for id in topic.partitions.keys.sorted() {
                partitions.append(topic.partitions[id]!.removalState(
                    TopicPartition(topic: topic.name, partition: id), controllerEpoch: controllerEpoch))
            }
        }
        return MetadataUpdate(
            controllerID: controllerID, controllerEpoch: controllerEpoch, liveBrokers: alive.map(\.brokerInfo),
            partitions: partitions, topicIDs: topicIDs)
    }
}

extension PartitionRegistration {
    /// This partition as UpdateMetadata carries it: zkVersion is the partition epoch, the Raft epoch stands for
    /// the controller epoch, and replicas on brokers not in `alive` are offline.
    public func updateMetadataState(
        _ topicPartition: TopicPartition, controllerEpoch: Int32, alive: Set<BrokerID>
    ) -> UpdateMetadataPartitionState {
        UpdateMetadataPartitionState(
            topicPartition: topicPartition,
            leadership: LeaderISRAndControllerEpoch(leaderAndISR: leaderAndISR, controllerEpoch: controllerEpoch),
            replicas: replicas, offlineReplicas: replicas.filter { !alive.contains($0) })
    }

    /// The state that drops this partition of a removed topic from a broker's cache: leader
    /// `LeaderAndISR.leaderDuringDelete`, its epochs as they were.
    public func removalState(_ topicPartition: TopicPartition, controllerEpoch: Int32) -> UpdateMetadataPartitionState {
        var removed = leaderAndISR
        removed.leader = LeaderAndISR.leaderDuringDelete
        return UpdateMetadataPartitionState(
            topicPartition: topicPartition, leadership: LeaderISRAndControllerEpoch(leaderAndISR: removed, controllerEpoch: controllerEpoch),
            replicas: replicas)
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
