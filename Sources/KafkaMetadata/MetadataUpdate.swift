import KafkaModel

/// One metadata change, whatever its source: an UpdateMetadata request from the ZooKeeper-mode
/// controller, or records replayed from a KRaft metadata log. The cache does not care which.
public struct MetadataUpdate: Sendable, Hashable {
    public var controllerID: BrokerID
    public var controllerEpoch: Int32
    /// The complete set of live brokers (UpdateMetadata always carries all of them).
    public var liveBrokers: [BrokerInfo]
    /// Partition states to upsert; a `leaderDuringDelete` leader removes the partition.
    public var partitions: [UpdateMetadataPartitionState]
    /// Topic ids (KIP-516) carried with the update, by topic name.
    public var topicIDs: [String: KafkaTopicID]

    public init(
        controllerID: BrokerID, controllerEpoch: Int32, liveBrokers: [BrokerInfo], partitions: [UpdateMetadataPartitionState],
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
