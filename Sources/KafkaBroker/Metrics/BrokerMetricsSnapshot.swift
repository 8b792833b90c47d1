import KafkaGroupCoordinator
import KafkaLog
import KafkaModel

/// The broker's computed-on-read gauges at one moment (Kafka's `newGauge(name, () => …)` values):
/// the replica manager's partition gauges (`kafka.server:type=ReplicaManager`), the fetch session cache
/// (`kafka.server:type=FetchSessionCache`), the log cleaner (`kafka.log:type=LogCleaner`) and the group
/// coordinator (`kafka.coordinator.group:type=GroupMetadataManager`). ``BrokerMetrics`` records them.
public struct BrokerMetricsSnapshot: Sendable, Hashable {
    public struct Replication: Sendable, Hashable {
        public var partitionCount: Int
        public var leaderCount: Int
        /// Led partitions whose ISR is smaller than their replica set (`UnderReplicatedPartitions`).
        public var underReplicatedPartitions: Int
        /// Led partitions whose ISR is below `min.insync.replicas` (`UnderMinIsrPartitionCount`).
        public var underMinIsrPartitionCount: Int
        public var logEndOffsetSum: Int64

        public init(partitionCount: Int, leaderCount: Int, underReplicatedPartitions: Int, underMinIsrPartitionCount: Int, logEndOffsetSum: Int64) {
            self.partitionCount = partitionCount
            self.leaderCount = leaderCount
            self.underReplicatedPartitions = underReplicatedPartitions
            self.underMinIsrPartitionCount = underMinIsrPartitionCount
            self.logEndOffsetSum = logEndOffsetSum
        }
    }

    /// Kafka's `kafka.server:type=FetchSessionCache` gauges and eviction meter.
    public struct FetchSessions: Sendable, Hashable {
        public var sessions: Int
        public var cachedPartitions: Int
        public var created: Int
        public var evictions: Int

        public init(sessions: Int = 0, cachedPartitions: Int = 0, created: Int = 0, evictions: Int = 0) {
            self.sessions = sessions
            self.cachedPartitions = cachedPartitions
            self.created = created
            self.evictions = evictions
        }
    }

    /// Kafka's `kafka.coordinator.group:type=GroupMetadataManager` gauges: groups hosted by this coordinator
    /// per state, and their committed offsets.
    public struct Groups: Sendable, Hashable {
        public var groupsByState: [GroupState: Int]
        public var offsets: Int

        public init(groupsByState: [GroupState: Int] = [:], offsets: Int = 0) {
            self.groupsByState = groupsByState
            self.offsets = offsets
        }
    }

    public var replication: Replication
    public var fetchSessions: FetchSessions
    /// Kafka's `kafka.log:type=LogCleaner` gauges, when the log cleaner runs.
    public var cleaner: LogCleaner.Gauges?
    public var groups: Groups

    public init(
        replication: Replication, fetchSessions: FetchSessions = .init(), cleaner: LogCleaner.Gauges? = nil,
        groups: Groups = .init()
    ) {
        self.replication = replication
        self.fetchSessions = fetchSessions
        self.cleaner = cleaner
        self.groups = groups
    }
}

extension ReplicaManager {
    /// The replica manager's gauges, computed from the hosted partitions.
    public var replicationMetrics: BrokerMetricsSnapshot.Replication {
        var metrics = BrokerMetricsSnapshot.Replication(
            partitionCount: 0, leaderCount: 0, underReplicatedPartitions: 0, underMinIsrPartitionCount: 0, logEndOffsetSum: 0)
        for partition in hostedPartitions {
            let state = partition.replicationState
            metrics.partitionCount += 1
            metrics.logEndOffsetSum += partition.log.logEndOffset
            guard state.isLeader else { continue }
            metrics.leaderCount += 1
            if state.isr.count < state.replicas.count { metrics.underReplicatedPartitions += 1 }
            if state.isr.count < partition.minInsyncReplicas { metrics.underMinIsrPartitionCount += 1 }
        }
        return metrics
    }
}
