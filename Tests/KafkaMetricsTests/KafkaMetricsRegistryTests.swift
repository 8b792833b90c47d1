import CoreMetrics
import KafkaMetrics
import Testing

@Suite("A broker's metrics registry: swift-metrics in, Prometheus text under Kafka's names out", .tags(.unit))
struct KafkaMetricsRegistryTests {
    @Test("MBean names render as the JMX exporter's: domain dots and hyphens become underscores, case kept")
    func names() {
        #expect(KafkaMetricName.kafkaController("ActiveControllerCount").prometheusName == "kafka_controller_KafkaController_ActiveControllerCount")
        #expect(KafkaMetricName.logCleaner("max-dirty-percent").prometheusName == "kafka_log_LogCleaner_max_dirty_percent")
        #expect(KafkaMetricName.groupMetadataManager("NumGroups").prometheusName == "kafka_coordinator_group_GroupMetadataManager_NumGroups")
    }

    @Test("a recorded gauge appears in the exposition under Kafka's name with the broker label")
    func gaugeInExposition() {
        let metrics = KafkaMetricsRegistry(constantDimensions: [("broker", "3")])
        Gauge(.replicaManager("UnderReplicatedPartitions"), factory: metrics.factory).record(7)
        let text = metrics.exposition()
        #expect(text.contains("# TYPE kafka_server_ReplicaManager_UnderReplicatedPartitions gauge\n"))
        #expect(text.contains("kafka_server_ReplicaManager_UnderReplicatedPartitions{broker=\"3\"} 7"))
    }

    @Test("a timer is a histogram of milliseconds, as Kafka's …TimeMs names say")
    func timerInMilliseconds() {
        let metrics = KafkaMetricsRegistry()
        let timer = Timer(.requestMetrics("TotalTimeMs"), dimensions: [("request", "Produce")], factory: metrics.factory)
        timer.recordNanoseconds(3_000_000)
        timer.recordNanoseconds(40_000_000)
        let text = metrics.exposition()
        #expect(text.contains("# TYPE kafka_network_RequestMetrics_TotalTimeMs histogram\n"))
        #expect(text.contains("kafka_network_RequestMetrics_TotalTimeMs_count{request=\"Produce\"} 2\n"))
        #expect(text.contains("kafka_network_RequestMetrics_TotalTimeMs_sum{request=\"Produce\"} 43"))
        #expect(text.contains("kafka_network_RequestMetrics_TotalTimeMs_bucket{request=\"Produce\",le=\"5.0\"} 1\n"))
    }

    @Test("collectors record computed-on-read gauges before each exposition")
    func collectorsRunOnEachExposition() {
        let metrics = KafkaMetricsRegistry()
        let gauge = Gauge(.kafkaController("ActiveControllerCount"), factory: metrics.factory)
        let value = Counter(label: "reads", factory: metrics.factory)
        metrics.onCollect {
            value.increment()
            gauge.record(1)
        }
        _ = metrics.exposition()
        let text = metrics.exposition()
        #expect(text.contains("kafka_controller_KafkaController_ActiveControllerCount 1"))
        #expect(text.contains("reads 2\n"))
    }

    @Test("two registries in one process are independent (no global bootstrap)")
    func independentRegistries() {
        let one = KafkaMetricsRegistry(constantDimensions: [("broker", "1")])
        let two = KafkaMetricsRegistry(constantDimensions: [("broker", "2")])
        Gauge(.kafkaController("ActiveControllerCount"), factory: one.factory).record(1)
        Gauge(.kafkaController("ActiveControllerCount"), factory: two.factory).record(0)
        #expect(one.exposition().contains("ActiveControllerCount{broker=\"1\"} 1"))
        #expect(!one.exposition().contains("broker=\"2\""))
        #expect(two.exposition().contains("ActiveControllerCount{broker=\"2\"} 0"))
    }
}
