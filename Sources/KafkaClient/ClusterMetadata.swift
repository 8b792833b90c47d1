import KafkaProtocol

/// One partition as the last Metadata response described it.
public struct PartitionMetadata: Sendable, Hashable {
    public var partition: Int32
    /// -1 when the partition has no live leader (LEADER_NOT_AVAILABLE).
    public var leader: Int32
    public var leaderEpoch: Int32
    public var replicas: [Int32]
    public var isr: [Int32]
    public var errorCode: Int16

    public init(partition: Int32, leader: Int32, leaderEpoch: Int32 = -1, replicas: [Int32] = [], isr: [Int32] = [], errorCode: Int16 = 0) {
        self.partition = partition
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.replicas = replicas
        self.isr = isr
        self.errorCode = errorCode
    }
}

/// One topic's partitions, indexed by partition number.
public struct TopicMetadata: Sendable, Hashable {
    public var name: String
    public var partitions: [PartitionMetadata]

    public init(name: String, partitions: [PartitionMetadata]) {
        self.name = name
        self.partitions = partitions.sorted { $0.partition < $1.partition }
    }

    public var partitionCount: Int { partitions.count }

    /// Partitions whose leader is known (Kafka's `Cluster.availablePartitionsForTopic`).
    public var availablePartitions: [Int32] { partitions.filter { $0.leader >= 0 }.map(\.partition) }

    public func partition(_ index: Int32) -> PartitionMetadata? {
        guard index >= 0, Int(index) < partitions.count, partitions[Int(index)].partition == index else {
            return partitions.first { $0.partition == index }
        }
        return partitions[Int(index)]
    }
}

/// What the client knows of the cluster: the live brokers, the controller, and the topics it asked about.
public struct ClusterMetadata: Sendable {
    public var brokers: [Int32: BrokerAddress] = [:]
    public var controllerID: Int32 = -1
    public var clusterID: String?
    public var topics: [String: TopicMetadata] = [:]
    /// Topic-level errors of the last response (UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION, ...).
    public var topicErrors: [String: Int16] = [:]

    public init() {}

    /// Folds a Metadata response in: brokers and controller are replaced, the topics it answered
    /// for are replaced, others are kept (the client may have asked for a subset).
    mutating func merge(_ response: MetadataResponse) {
        brokers = Dictionary(
            response.brokers.map { ($0.nodeId, BrokerAddress(host: $0.host, port: Int($0.port))) },
            uniquingKeysWith: { first, _ in first })
        controllerID = response.controllerId
        clusterID = response.clusterId
        for topic in response.topics {
            if topic.errorCode == 0 {
                topicErrors[topic.name] = nil
                topics[topic.name] = TopicMetadata(
                    name: topic.name,
                    partitions: topic.partitions.map {
                        PartitionMetadata(
                            partition: $0.partitionIndex, leader: $0.leaderId, leaderEpoch: $0.leaderEpoch,
                            replicas: $0.replicaNodes, isr: $0.isrNodes, errorCode: $0.errorCode)
                    })
            } else {
                topicErrors[topic.name] = topic.errorCode
                topics[topic.name] = nil
            }
        }
    }
}
