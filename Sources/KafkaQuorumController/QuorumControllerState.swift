import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol

/// The metadata state every controller holds, active or standby: exactly what replaying the committed
/// `__cluster_metadata` records yields (Kafka 3.3's `ClusterControlManager` registrations,
/// `ReplicationControlManager` topics, `ConfigurationControlManager` configs, `FeatureControlManager`
/// levels). A standby replays the same records as the active controller, so it is "hot": on failover it
/// already holds this state (`QuorumController` javadoc).
///
/// Soft state that is not in the log (heartbeat times) lives in ``BrokerHeartbeatTracker`` instead.
public struct QuorumControllerState: Sendable, Hashable {
    public internal(set) var brokers: [BrokerID: BrokerRegistration] = [:]
    public internal(set) var topics: [KafkaUUID: TopicControlInfo] = [:]
    public internal(set) var topicIDsByName: [String: KafkaUUID] = [:]
    /// Topic configs: topic name → key → value (ConfigRecord with resource type TOPIC = 2).
    public internal(set) var topicConfigs: [String: [String: String]] = [:]
    public internal(set) var featureLevels: [String: Int16] = [:]
    /// The offset of the last record replayed, -1 before any.
    public internal(set) var lastAppliedOffset: Int64 = -1

    public init() {}

    /// `ConfigResource.Type.TOPIC`.
    public static let topicResourceType: Int8 = 2

    /// Applies one record at `offset` (Kafka's `QuorumController.replay`). Records for unknown brokers or
    /// topics are ignored, as a standby that loaded a snapshot would.
    public mutating func replay(_ record: MetadataRecord, offset: Int64) {
        switch record {
        case .registerBroker(let r):
            brokers[r.brokerId] = BrokerRegistration(
                id: r.brokerId, incarnationID: r.incarnationId, epoch: r.brokerEpoch,
                endpoints: r.endPoints.map {
                    BrokerEndpoint(
                        listenerName: $0.name, host: $0.host, port: Int32($0.port),
                        securityProtocol: SecurityProtocolID.name($0.securityProtocol))
                },
                rack: r.rack, fenced: r.fenced, inControlledShutdown: r.inControlledShutdown)
        case .unregisterBroker(let r):
            if brokers[r.brokerId]?.epoch == r.brokerEpoch { brokers[r.brokerId] = nil }
        case .fenceBroker(let r):
            if brokers[r.id]?.epoch == r.epoch {
                brokers[r.id]?.fenced = true
                brokers[r.id]?.inControlledShutdown = false
            }
        case .unfenceBroker(let r):
            if brokers[r.id]?.epoch == r.epoch { brokers[r.id]?.fenced = false }
        case .brokerRegistrationChange(let r):
            guard brokers[r.brokerId]?.epoch == r.brokerEpoch else { break }
            // Fenced: -1 unfenced, 0 unchanged, 1 fenced. InControlledShutdown: 1 entered, 0 unchanged.
            if r.fenced == 1 {
                brokers[r.brokerId]?.fenced = true
                brokers[r.brokerId]?.inControlledShutdown = false
            } else if r.fenced == -1 {
                brokers[r.brokerId]?.fenced = false
            }
            if r.inControlledShutdown == 1 { brokers[r.brokerId]?.inControlledShutdown = true }
        case .topic(let r):
            topics[r.topicId] = TopicControlInfo(name: r.name, id: r.topicId)
            topicIDsByName[r.name] = r.topicId
        case .partition(let r):
            topics[r.topicId]?.partitions[r.partitionId] = PartitionRegistration(record: r)
        case .partitionChange(let r):
            if let current = topics[r.topicId]?.partitions[r.partitionId] {
                topics[r.topicId]?.partitions[r.partitionId] = current.merging(r)
            }
        case .removeTopic(let r):
            if let topic = topics.removeValue(forKey: r.topicId) {
                topicIDsByName[topic.name] = nil
                topicConfigs[topic.name] = nil
            }
        case .config(let r):
            guard r.resourceType == Self.topicResourceType else { break }
            if let value = r.value {
                topicConfigs[r.resourceName, default: [:]][r.name] = value
            } else {
                topicConfigs[r.resourceName]?[r.name] = nil
            }
        case .featureLevel(let r):
            featureLevels[r.name] = r.featureLevel
        case .noOp, .producerIDs:
            break
        }
        lastAppliedOffset = offset
    }

    // MARK: - Queries

    public func topic(named name: String) -> TopicControlInfo? {
        topicIDsByName[name].flatMap { topics[$0] }
    }

    public func partition(_ topicPartition: TopicPartition) -> PartitionRegistration? {
        topic(named: topicPartition.topic)?.partitions[topicPartition.partition]
    }

    /// Unfenced brokers, sorted by id (the ones placement and election may use).
    public var unfencedBrokerIDs: [BrokerID] {
        brokers.values.filter { !$0.fenced }.map(\.id).sorted()
    }

    /// Brokers that may lead: unfenced and not in controlled shutdown.
    public var electableBrokerIDs: Set<BrokerID> {
        Set(brokers.values.filter { !$0.fenced && !$0.inControlledShutdown }.map(\.id))
    }

    /// Every partition `broker` leads, as (topic id, partition id), sorted.
    public func partitionsLed(by broker: BrokerID) -> [(KafkaUUID, Int32)] {
        partitions { $0.leader == broker }
    }

    /// Every partition whose ISR contains `broker`, sorted.
    public func partitionsWithISRMember(_ broker: BrokerID) -> [(KafkaUUID, Int32)] {
        partitions { $0.isr.contains(broker) }
    }

    /// Every partition with no leader, sorted (`ReplicationControlManager.partitionsWithNoLeader`).
    public func partitionsWithNoLeader() -> [(KafkaUUID, Int32)] {
        partitions { $0.leader == LeaderAndISR.noLeader }
    }

    /// Whether `unclean.leader.election.enable` holds for `topic` (topic config over the default).
    public func uncleanLeaderElectionEnabled(topic: String, default defaultValue: Bool) -> Bool {
        topicConfigs[topic]?["unclean.leader.election.enable"].map { $0 == "true" } ?? defaultValue
    }

    private func partitions(where predicate: (PartitionRegistration) -> Bool) -> [(KafkaUUID, Int32)] {
        topics.values.sorted { $0.name < $1.name }.flatMap { topic in
            topic.partitions.keys.sorted().compactMap { id in predicate(topic.partitions[id]!) ? (topic.id, id) : nil }
        }
    }
}
