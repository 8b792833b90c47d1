import KafkaBroker
import KafkaModel
import KafkaZooKeeperData
import ZooKeeper
import ZooKeeperModeController

/// ``PartitionStateWriter`` over the broker's ZooKeeper session: the leader's ISR changes as Kafka
/// 2.8 writes them in ZooKeeper mode (`ReplicaManager` with an inter-broker protocol before AlterIsr).
struct ZooKeeperPartitionStateWriter: PartitionStateWriter {
    let session: ControllerSession

    /// Kafka's `ReplicationUtils.updateLeaderAndIsr`: a conditional `setData` on the partition state
    /// znode at the cached version, with the controller epoch of the LeaderAndIsr that made this
    /// broker leader. On a version conflict, Kafka's `checkLeaderAndIsrZkData` counts a znode that
    /// already holds exactly this state as success (a retried write that landed).
    func writeLeaderAndIsr(_ update: Partition.IsrUpdate) async throws -> Int32? {
        let client = session.current.zooKeeper
        let path = ZNodePaths.partitionState(update.topicPartition.topic, update.topicPartition.partition)
        do {
            let stat = try await client.setData(path, data: TopicPartitionStateZNode.encode(update.leadership), version: update.zkVersion)
            return stat.version
        } catch let error as ZooKeeperError where error.code == .badVersion {
            let (data, stat) = try await client.getData(path)
            let current = try TopicPartitionStateZNode.decode(update.topicPartition, data: data, zkVersion: stat.version)
            let matches = current.controllerEpoch == update.controllerEpoch
                && current.leaderAndISR.equalsIgnoringZKVersion(update.leaderAndISR)
            return matches ? stat.version : nil
        }
    }

    /// `/isr_change_notification/isr_change_<seq>` listing the partitions (Kafka's
    /// `KafkaZkClient.propagateIsrChanges`); the controller turns it into UpdateMetadata.
    ///
    /// Difference: Kafka writes one znode however many partitions changed. 66,000 partitions make a
    /// 3 MB znode, beyond ZooKeeper's default 1 MB `jute.maxbuffer`: the server drops the connection
    /// on every attempt, taking the session's other requests (the controller's, on its broker) with
    /// it. Here the list is split into znodes of at most `maxNotificationBytes` of JSON each;
    /// the controller reads every notification child and takes their union, so the effect is the same.
    func notifyIsrChanges(_ partitions: [TopicPartition]) async throws {
        let path = ZNodePaths.isrChangeNotification + "/" + ZNodePaths.isrChangeNotificationPrefix
        var chunk: [TopicPartition] = []
        var bytes = 0
        for (index, partition) in partitions.enumerated() {
            chunk.append(partition)
            // `{"topic":"<t>","partition":<p>},` is the topic's length plus at most 37 bytes.
            bytes += partition.topic.utf8.count + 37
            if bytes >= Self.maxNotificationBytes || index == partitions.count - 1 {
                _ = try await session.current.zooKeeper.create(path, data: PartitionListZNode.encode(chunk), mode: .persistentSequential)
                chunk.removeAll(keepingCapacity: true)
                bytes = 0
            }
        }
    }

    /// Kafka's `KafkaZkClient.propagateLogDirEvent`: a persistent sequential
    /// `/log_dir_event_notification/log_dir_event_<seq>` holding `{"version":1,"broker":<id>,"event":1}`.
    func notifyLogDirFailure(brokerID: BrokerID) async throws {
        _ = try await session.current.zooKeeper.create(
            LogDirEventNotificationZNode.sequencePathPrefix, data: LogDirEventNotificationZNode.encode(brokerID: brokerID),
            mode: .persistentSequential)
    }

    /// Half of ZooKeeper's default 1 MB `jute.maxbuffer`.
    static let maxNotificationBytes = 512 * 1024
}
