import KafkaBroker
import KafkaMetadata
import KafkaModel
import KafkaQuorumController

/// What one metadata delta means for one broker (Kafka 3.3's `BrokerMetadataPublisher.publish`), as a
/// value: the metadata cache update, the leader and follower changes for `ReplicaManager` (the ones a
/// ZooKeeper-mode LeaderAndIsr would carry), the replicas to stop and delete (StopReplica with delete),
/// and the leaders' endpoints the followers fetch from. Pure; the broker's metadata listener applies it.
public struct KRaftMetadataPublication: Sendable, Equatable {
    public var metadataUpdate: MetadataUpdate
    public var leadership: [ReplicaManager.BecomeLeaderOrFollower]
    public var leaderEndpoints: [BrokerID: ReplicaFetcherManager.Endpoint]
    public var deletes: [TopicPartition]
    /// Each changed topic's configuration overrides (ConfigRecords), for the logs it creates.
    public var topicConfigs: [String: [String: String]]

    /// - Parameters:
    ///   - controllerID: what Metadata responses name as controller. Kafka 3.3's KRaft brokers name a
    ///     random live broker (`KRaftMetadataCache.getControllerId`): clients cannot reach controllers.
    ///   - raftEpoch: stands in for ZooKeeper mode's controller epoch.
    ///   - interBrokerListener: the listener followers fetch from (`inter.broker.listener.name`).
    public init(
        delta: MetadataDelta, broker: BrokerID, controllerID: BrokerID, raftEpoch: Int32, interBrokerListener: String
    ) {
        let image = delta.image
        // Only what the delta changed (Kafka 3.3's KRaftMetadataCache takes each new image by reference; this
        // cache is upserted with the changed partitions).
        metadataUpdate = delta.metadataUpdate(controllerID: controllerID, controllerEpoch: raftEpoch)
        let changes = delta.localChanges(broker: broker)
        leadership = changes.leaders.merging(changes.followers) { leader, _ in leader }
            .sorted { $0.key < $1.key }
            .map { topicPartition, partition in
                ReplicaManager.BecomeLeaderOrFollower(
                    topicPartition: topicPartition,
                    leadership: LeaderISRAndControllerEpoch(leaderAndISR: partition.leaderAndISR, controllerEpoch: raftEpoch),
                    replicas: partition.replicas)
            }
        deletes = changes.deletes.sorted()
        var endpoints: [BrokerID: ReplicaFetcherManager.Endpoint] = [:]
        for registration in image.state.brokers.values {
            guard let endpoint = registration.endpoints.first(where: { $0.listenerName == interBrokerListener }) else { continue }
            endpoints[registration.id] = .init(host: endpoint.host, port: Int(endpoint.port))
        }
        leaderEndpoints = endpoints
        var configs: [String: [String: String]] = [:]
        for topic in Set(leadership.map(\.topicPartition.topic)) {
            configs[topic] = image.state.topicConfigs[topic] ?? [:]
        }
        topicConfigs = configs
    }

    /// The broker Metadata responses name as controller: a live broker chosen by `pick` (Kafka picks at
    /// random), or `MetadataSnapshot`'s "none" (-1) when no broker is live.
    public static func controllerID(image: MetadataImage, pick: ([BrokerID]) -> BrokerID?) -> BrokerID {
        let live = image.state.brokers.values.filter { !$0.fenced }.map(\.id).sorted()
        return pick(live) ?? -1
    }
}
