import KafkaModel

/// What the broker knows of one partition: Kafka's `UpdateMetadataPartitionState`.
public struct PartitionMetadata: Sendable, Hashable {
    public var topicPartition: TopicPartition
    public var controllerEpoch: Int32
    public var leader: BrokerID
    public var leaderEpoch: Int32
    public var isr: [BrokerID]
    public var zkVersion: Int32
    public var replicas: [BrokerID]
    public var offlineReplicas: [BrokerID]

    public init(
        topicPartition: TopicPartition, controllerEpoch: Int32, leader: BrokerID, leaderEpoch: Int32, isr: [BrokerID],
        zkVersion: Int32, replicas: [BrokerID], offlineReplicas: [BrokerID] = []
    ) {
        self.topicPartition = topicPartition
        self.controllerEpoch = controllerEpoch
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.isr = isr
        self.zkVersion = zkVersion
        self.replicas = replicas
        self.offlineReplicas = offlineReplicas
    }

    /// Kafka's `LeaderAndIsr.LeaderDuringDelete`: a partition state with this leader in an
    /// UpdateMetadata request means "the topic is being deleted: forget the partition".
    public static let leaderDuringDelete: BrokerID = -2
}

/// One metadata change, whatever its source: an UpdateMetadata request from the ZooKeeper-mode
/// controller, or records replayed from a KRaft metadata log. The cache does not care which.
public struct MetadataUpdate: Sendable, Hashable {
    public var controllerID: BrokerID
    public var controllerEpoch: Int32
    /// The complete set of live brokers (UpdateMetadata always carries all of them).
    public var liveBrokers: [BrokerInfo]
    /// Partition states to upsert; a `leaderDuringDelete` leader removes the partition.
    public var partitions: [PartitionMetadata]
    /// Topic ids (KIP-516) carried with the update, by topic name.
    public var topicIDs: [String: KafkaTopicID]

    public init(
        controllerID: BrokerID, controllerEpoch: Int32, liveBrokers: [BrokerInfo], partitions: [PartitionMetadata],
        topicIDs: [String: KafkaTopicID] = [:]
    ) {
        self.controllerID = controllerID
        self.controllerEpoch = controllerEpoch
        self.liveBrokers = liveBrokers
        self.partitions = partitions
        self.topicIDs = topicIDs
    }
}

/// A topic id as 16 raw bytes (the wire's UUID); all zero means "none".
public struct KafkaTopicID: Sendable, Hashable {
    public var bytes: [UInt8]
    public init(bytes: [UInt8]) { self.bytes = bytes }
    public static let zero = KafkaTopicID(bytes: Array(repeating: 0, count: 16))
}
