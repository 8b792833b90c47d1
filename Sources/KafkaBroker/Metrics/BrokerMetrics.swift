import CoreMetrics
import KafkaGroupCoordinator
import KafkaMetrics
import Synchronization

/// Records a ``BrokerMetricsSnapshot`` through swift-metrics under Kafka's names (as the Prometheus JMX
/// exporter renders them), e.g. `kafka_server_ReplicaManager_UnderReplicatedPartitions`. Kafka's meters
/// (`IncrementalFetchSessionEvictionsPerSec`) are counters here, advanced by what the snapshot's totals
/// grew since the last record. Metrics Kafka has no MBean for keep ZKafka's own names
/// (`kafka_log_log_end_offset_sum`, `kafka_server_fetchsessioncache_incremental_fetch_sessions_created_total`).
public final class BrokerMetrics: Sendable {
    private let partitionCount: Gauge
    private let leaderCount: Gauge
    private let underReplicatedPartitions: Gauge
    private let underMinIsrPartitionCount: Gauge
    private let logEndOffsetSum: Gauge
    private let fetchSessions: Gauge
    private let fetchPartitionsCached: Gauge
    private let fetchSessionsCreated: CoreMetrics.Counter
    private let fetchSessionEvictions: CoreMetrics.Counter
    private let numOffsets: Gauge
    private let numGroups: Gauge
    private let groupsByState: [GroupState: Gauge]
    private let factory: any MetricsFactory
    /// The totals last recorded, to advance the counters by their growth.
    private let lastTotals = Mutex((created: 0, evictions: 0))

    public init(factory: any MetricsFactory) {
        self.factory = factory
        partitionCount = Gauge(.replicaManager("PartitionCount"), factory: factory)
        leaderCount = Gauge(.replicaManager("LeaderCount"), factory: factory)
        underReplicatedPartitions = Gauge(.replicaManager("UnderReplicatedPartitions"), factory: factory)
        underMinIsrPartitionCount = Gauge(.replicaManager("UnderMinIsrPartitionCount"), factory: factory)
        logEndOffsetSum = Gauge(label: "kafka_log_log_end_offset_sum", factory: factory)
        fetchSessions = Gauge(.fetchSessionCache("NumIncrementalFetchSessions"), factory: factory)
        fetchPartitionsCached = Gauge(.fetchSessionCache("NumIncrementalFetchPartitionsCached"), factory: factory)
        fetchSessionsCreated = CoreMetrics.Counter(
            label: "kafka_server_fetchsessioncache_incremental_fetch_sessions_created_total", factory: factory)
        fetchSessionEvictions = CoreMetrics.Counter(.fetchSessionCache("IncrementalFetchSessionEvictionsPerSec"), factory: factory)
        numOffsets = Gauge(.groupMetadataManager("NumOffsets"), factory: factory)
        numGroups = Gauge(.groupMetadataManager("NumGroups"), factory: factory)
        var groupsByState: [GroupState: Gauge] = [:]
        for state in GroupState.allCases {
            // Kafka's NumGroupsPreparingRebalance, NumGroupsCompletingRebalance, NumGroupsStable, NumGroupsDead, NumGroupsEmpty.
            groupsByState[state] = Gauge(.groupMetadataManager("NumGroups\(state.rawValue)"), factory: factory)
        }
        self.groupsByState = groupsByState
    }

    public func record(_ snapshot: BrokerMetricsSnapshot) {
        let replication = snapshot.replication
        partitionCount.record(replication.partitionCount)
        leaderCount.record(replication.leaderCount)
        underReplicatedPartitions.record(replication.underReplicatedPartitions)
        underMinIsrPartitionCount.record(replication.underMinIsrPartitionCount)
        logEndOffsetSum.record(replication.logEndOffsetSum)

        let sessions = snapshot.fetchSessions
        fetchSessions.record(sessions.sessions)
        fetchPartitionsCached.record(sessions.cachedPartitions)
        let (createdGrowth, evictionGrowth) = lastTotals.withLock { last in
            defer { last = (sessions.created, sessions.evictions) }
            return (max(0, sessions.created - last.created), max(0, sessions.evictions - last.evictions))
        }
        if createdGrowth > 0 { fetchSessionsCreated.increment(by: createdGrowth) }
        if evictionGrowth > 0 { fetchSessionEvictions.increment(by: evictionGrowth) }

        if let cleaner = snapshot.cleaner {
            Gauge(.logCleaner("max-dirty-percent"), factory: factory).record(cleaner.maxDirtyPercent)
            Gauge(.logCleaner("cleaner-recopy-percent"), factory: factory).record(cleaner.cleanerRecopyPercent)
            Gauge(.logCleaner("max-clean-time-secs"), factory: factory).record(cleaner.maxCleanTimeSecs)
        }

        let groups = snapshot.groups
        numOffsets.record(groups.offsets)
        numGroups.record(groups.groupsByState.values.reduce(0, +))
        for (state, gauge) in groupsByState { gauge.record(groups.groupsByState[state] ?? 0) }
    }
}
