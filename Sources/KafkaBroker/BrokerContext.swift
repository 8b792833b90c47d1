import KafkaConfig
import KafkaMetadata
import Logging
import Synchronization

/// What the request handlers share: the broker's identity, its metadata cache and its
/// control-plane fence. Independent of the control plane that feeds the cache.
final class BrokerContext: Sendable {
    let brokerID: Int32
    let clusterID: String
    let config: BrokerConfig
    let metadataCache: MetadataCache
    let fence: ControlPlaneFence
    let replicaManager: ReplicaManager
    /// The admin writes behind CreateTopics and DeleteTopics (ZooKeeper in ZooKeeper mode).
    let topicAdministration: any TopicAdministration
    /// KIP-227 fetch sessions (Kafka's `FetchManager`).
    let fetchSessions: Mutex<FetchSessionCache>
    /// The consumer groups of the `__consumer_offsets` partitions this broker leads.
    let groupCoordinator: GroupCoordinator
    let logger: Logger

    init(
        brokerID: Int32, clusterID: String, config: BrokerConfig, metadataCache: MetadataCache,
        replicaManager: ReplicaManager,
        topicAdministration: any TopicAdministration = UnavailableTopicAdministration(), logger: Logger
    ) {
        self.brokerID = brokerID
        self.clusterID = clusterID
        self.config = config
        self.metadataCache = metadataCache
        self.fence = ControlPlaneFence()
        self.replicaManager = replicaManager
        self.topicAdministration = topicAdministration
        self.fetchSessions = Mutex(FetchSessionCache(maxEntries: config.maxIncrementalFetchSessionCacheSlots))
        self.groupCoordinator = GroupCoordinator(brokerConfig: config, replicaManager: replicaManager, logger: logger)
        self.logger = logger
    }
}

/// Builds the broker's API table.
enum BrokerApiTable {
    static func make(context: BrokerContext, controller: @escaping @Sendable () -> (any ControllerLink)?) -> KafkaApis {
        let advertised = AdvertisedRanges()
        let apis: [BrokerApi] = [
            apiVersions(advertised: { advertised.ranges }),
            metadata(context: context),
            leaderAndIsr(context: context),
            stopReplica(context: context),
            updateMetadata(context: context),
            controlledShutdown(context: context, controller: controller),
            createTopics(context: context),
            deleteTopics(context: context),
            describeConfigs(context: context),
            produce(context: context),
            fetch(context: context),
            listOffsets(context: context),
            findCoordinator(context: context),
            offsetForLeaderEpoch(context: context),
        ] + groupMembership(context: context) + offsetCommitAndFetch(context: context) + groupAdministration(context: context)
            // KRaft brokers forward CreatePartitions to the controller; ZooKeeper-mode brokers do not offer it.
            + (context.topicAdministration.forwardsToController ? [createPartitions(context: context)] : [])
            // AlterIsr goes to the ZooKeeper-mode controller; a KRaft quorum takes AlterPartition on its own listener.
            + (context.topicAdministration.forwardsToController ? [] : [alterIsr(context: context, controller: controller)])
        let kafkaApis = KafkaApis(apis: apis, logger: context.logger)
        advertised.ranges = kafkaApis.advertisedRanges
        return kafkaApis
    }
}

/// The advertised ranges, computed once the table exists (ApiVersions lists itself too).
private final class AdvertisedRanges: @unchecked Sendable {
    // Written once during `BrokerApiTable.make`, before any request can be handled; read-only after.
    var ranges: [KafkaProtocol.ApiVersionRange] = []
}

import KafkaProtocol
