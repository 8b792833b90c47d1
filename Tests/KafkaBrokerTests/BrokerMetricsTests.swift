import KafkaBroker
import KafkaGroupCoordinator
import KafkaLog
import KafkaMetrics
import Testing

@Suite("Broker gauges through swift-metrics: replica manager, fetch sessions, log cleaner, groups", .tags(.unit))
struct BrokerMetricsTests {
    private func exposition(_ snapshots: BrokerMetricsSnapshot...) -> String {
        let registry = KafkaMetricsRegistry(constantDimensions: [("broker", "2")])
        let metrics = BrokerMetrics(factory: registry.factory)
        for snapshot in snapshots { metrics.record(snapshot) }
        return registry.exposition()
    }

    @Test("the replica manager and fetch session gauges appear under Kafka's JMX-exporter names")
    func replicaManagerAndFetchSessions() {
        var cleaner = LogCleaner.Gauges()
        cleaner.maxDirtyPercent = 40
        let text = exposition(
            BrokerMetricsSnapshot(
                replication: .init(partitionCount: 10, leaderCount: 4, underReplicatedPartitions: 1, underMinIsrPartitionCount: 0, logEndOffsetSum: 99),
                fetchSessions: .init(sessions: 2, cachedPartitions: 6, created: 3, evictions: 1), cleaner: cleaner,
                groups: .init(groupsByState: [.stable: 2, .empty: 1], offsets: 12)))
        #expect(text.contains("kafka_server_ReplicaManager_PartitionCount{broker=\"2\"} 10"))
        #expect(text.contains("kafka_server_ReplicaManager_UnderReplicatedPartitions{broker=\"2\"} 1"))
        #expect(text.contains("# TYPE kafka_server_ReplicaManager_LeaderCount gauge\n"))
        #expect(text.contains("kafka_server_FetchSessionCache_NumIncrementalFetchSessions{broker=\"2\"} 2"))
        #expect(text.contains("kafka_server_FetchSessionCache_NumIncrementalFetchPartitionsCached{broker=\"2\"} 6"))
        #expect(text.contains("kafka_server_FetchSessionCache_IncrementalFetchSessionEvictionsPerSec{broker=\"2\"} 1\n"))
        #expect(text.contains("kafka_log_LogCleaner_max_dirty_percent{broker=\"2\"} 40"))
        #expect(text.contains("kafka_log_log_end_offset_sum{broker=\"2\"} 99"))
        #expect(text.contains("kafka_coordinator_group_GroupMetadataManager_NumGroups{broker=\"2\"} 3"))
        #expect(text.contains("kafka_coordinator_group_GroupMetadataManager_NumGroupsStable{broker=\"2\"} 2"))
        #expect(text.contains("kafka_coordinator_group_GroupMetadataManager_NumOffsets{broker=\"2\"} 12"))
    }

    @Test("counters advance by what the snapshot's totals grew, not by the totals again")
    func countersAdvanceByGrowth() {
        let replication = BrokerMetricsSnapshot.Replication(
            partitionCount: 0, leaderCount: 0, underReplicatedPartitions: 0, underMinIsrPartitionCount: 0, logEndOffsetSum: 0)
        let text = exposition(
            BrokerMetricsSnapshot(replication: replication, fetchSessions: .init(created: 3, evictions: 1)),
            BrokerMetricsSnapshot(replication: replication, fetchSessions: .init(created: 5, evictions: 1)))
        #expect(text.contains("kafka_server_fetchsessioncache_incremental_fetch_sessions_created_total{broker=\"2\"} 5\n"))
        #expect(text.contains("kafka_server_FetchSessionCache_IncrementalFetchSessionEvictionsPerSec{broker=\"2\"} 1\n"))
    }

    @Test("without a log cleaner its gauges are absent")
    func withoutCleaner() {
        let text = exposition(BrokerMetricsSnapshot(
            replication: .init(partitionCount: 0, leaderCount: 0, underReplicatedPartitions: 0, underMinIsrPartitionCount: 0, logEndOffsetSum: 0)))
        #expect(!text.contains("LogCleaner"))
        #expect(text.contains("kafka_server_ReplicaManager_PartitionCount{broker=\"2\"} 0"))
    }
}
