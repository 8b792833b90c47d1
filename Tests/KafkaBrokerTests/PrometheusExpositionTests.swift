import KafkaBroker
import KafkaController
import Testing

@Suite("Metrics endpoint text: controller state and statistics, replica manager gauges", .tags(.unit))
struct PrometheusExpositionTests {
    @Test("per-state counts, processing times and queue waits are rendered with Kafka's state names")
    func controllerStatistics() {
        var statistics = ControllerEventStatistics()
        var timer = ControllerEventStatistics.StateTimer()
        timer.count = 3
        timer.failures = 1
        timer.totalProcessingNanoseconds = 1_500_000_000
        timer.maxProcessingNanoseconds = 1_000_000_000
        statistics.states[.brokerChange] = timer
        statistics.totalQueueWaitNanoseconds = 2_000_000_000
        statistics.recentQueueWaitNanoseconds = [250_000_000]
        let snapshot = BrokerMetricsSnapshot(
            brokerID: 2,
            controller: .init(isActive: true, state: .topicChange, queueSize: 4, statistics: statistics),
            replication: .init(partitionCount: 10, leaderCount: 4, underReplicatedPartitions: 1, underMinIsrPartitionCount: 0, logEndOffsetSum: 99),
            fetchSessions: .init(sessions: 2, cachedPartitions: 6, created: 3, evictions: 1))
        let text = PrometheusExposition.render(snapshot)
        #expect(text.contains("kafka_controller_active_controller_count{broker=\"2\"} 1\n"))
        #expect(text.contains("kafka_controller_state{broker=\"2\",state=\"\(ControllerState.topicChange)\"} 3\n"))
        #expect(text.contains("kafka_controller_event_queue_size{broker=\"2\"} 4\n"))
        #expect(text.contains("kafka_controller_events_total{broker=\"2\",state=\"\(ControllerState.brokerChange)\"} 3\n"))
        #expect(text.contains("kafka_controller_event_failures_total{broker=\"2\",state=\"\(ControllerState.brokerChange)\"} 1\n"))
        #expect(text.contains("kafka_controller_event_processing_seconds_total{broker=\"2\",state=\"\(ControllerState.brokerChange)\"} 1.5\n"))
        #expect(text.contains("kafka_controller_event_processing_seconds_max{broker=\"2\",state=\"\(ControllerState.brokerChange)\"} 1\n"))
        #expect(text.contains("kafka_controller_event_queue_wait_seconds_total{broker=\"2\"} 2\n"))
        #expect(text.contains("kafka_controller_event_queue_wait_seconds_last{broker=\"2\"} 0.25\n"))
        #expect(text.contains("kafka_server_replicamanager_under_replicated_partitions{broker=\"2\"} 1\n"))
        #expect(text.contains("# TYPE kafka_controller_events_total counter\n"))
        #expect(text.contains("kafka_server_fetchsessioncache_num_incremental_fetch_sessions{broker=\"2\"} 2\n"))
        #expect(text.contains("kafka_server_fetchsessioncache_num_incremental_fetch_partitions_cached{broker=\"2\"} 6\n"))
        #expect(text.contains("kafka_server_fetchsessioncache_incremental_fetch_session_evictions_total{broker=\"2\"} 1\n"))
    }

    @Test("a broker without a controller reports only the replica manager gauges")
    func withoutController() {
        let text = PrometheusExposition.render(BrokerMetricsSnapshot(
            brokerID: 1, controller: nil,
            replication: .init(partitionCount: 0, leaderCount: 0, underReplicatedPartitions: 0, underMinIsrPartitionCount: 0, logEndOffsetSum: 0)))
        #expect(!text.contains("kafka_controller_"))
        #expect(text.contains("kafka_server_replicamanager_partition_count{broker=\"1\"} 0\n"))
    }
}
