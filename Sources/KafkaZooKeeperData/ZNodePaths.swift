/// Kafka 2.8's znode paths (`ZkData.scala`), relative to the chroot in `zookeeper.connect`.
public enum ZNodePaths {
    public static let controller = "/controller"
    public static let controllerEpoch = "/controller_epoch"
    public static let brokers = "/brokers"
    public static let brokerIDs = "/brokers/ids"
    public static let topics = "/brokers/topics"
    public static let brokerSequenceID = "/brokers/seqid"
    public static let admin = "/admin"
    public static let deleteTopics = "/admin/delete_topics"
    public static let reassignPartitions = "/admin/reassign_partitions"
    public static let preferredReplicaElection = "/admin/preferred_replica_election"
    public static let isrChangeNotification = "/isr_change_notification"
    public static let isrChangeNotificationPrefix = "isr_change_"
    public static let logDirEventNotification = "/log_dir_event_notification"
    public static let clusterID = "/cluster/id"
    public static let feature = "/feature"
    public static let latestProducerIDBlock = "/latest_producer_id_block"
    public static let configChanges = "/config/changes"

    /// Created (persistent, ignoring NODEEXISTS) by every broker when its ZooKeeper client starts
    /// (`ZkData.PersistentZkPaths`).
    public static let persistentPaths = [
        "/consumers", brokerIDs, topics, configChanges, deleteTopics, brokerSequenceID, isrChangeNotification,
        latestProducerIDBlock, logDirEventNotification, "/config/topics", "/config/clients", "/config/users",
        "/config/brokers", "/config/ips",
    ]

    public static func broker(_ id: Int32) -> String { "\(brokerIDs)/\(id)" }
    public static func topic(_ topic: String) -> String { "\(topics)/\(topic)" }
    public static func partitions(_ topic: String) -> String { "\(topics)/\(topic)/partitions" }
    public static func partition(_ topic: String, _ partition: Int32) -> String { "\(partitions(topic))/\(partition)" }
    public static func partitionState(_ topic: String, _ partition: Int32) -> String {
        "\(self.partition(topic, partition))/state"
    }
    public static func deleteTopic(_ topic: String) -> String { "\(deleteTopics)/\(topic)" }
    public static func topicConfig(_ topic: String) -> String { "/config/topics/\(topic)" }
}
