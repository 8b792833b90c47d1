import Foundation
import KafkaController
import KafkaMetrics
import KafkaModel
import Testing

@Suite("Controller metrics through swift-metrics under Kafka's names", .tags(.unit))
struct ControllerMetricsTests {
    @Test("the event thread records <State>RateAndTimeMs and EventQueueTimeMs in milliseconds")
    func eventTimers() throws {
        let registry = KafkaMetricsRegistry(constantDimensions: [("broker", "1")])
        let clock = ManualControllerClock()
        let processor = ClosureProcessor { event in
            if case .brokerChange = event { clock.advance(nanoseconds: 40_000_000) }
            if case .topicChange = event { throw Failure() }
        }
        let manager = ControllerEventManager(
            processor: processor, clock: clock, metrics: ControllerEventMetrics(factory: registry.factory))
        manager.put(.brokerChange)
        let last = manager.put(.topicChange)
        manager.start()
        #expect(last.awaitProcessing(timeout: .seconds(10)))
        manager.close()
        let text = registry.exposition()
        #expect(text.contains("kafka_controller_ControllerStats_LeaderElectionRateAndTimeMs_count{broker=\"1\"} 1\n"))
        #expect(text.contains("kafka_controller_ControllerStats_LeaderElectionRateAndTimeMs_sum{broker=\"1\"} 40"))
        #expect(text.contains("kafka_controller_ControllerStats_TopicChangeRateAndTimeMs_count{broker=\"1\"} 1\n"))
        #expect(text.contains("kafka_controller_event_failures_total{broker=\"1\",state=\"TopicChange\"} 1\n"))
        #expect(text.contains("kafka_controller_ControllerEventManager_EventQueueTimeMs_count{broker=\"1\"} 2\n"))
    }

    @Test("the KafkaController gauges: on-read state and Kafka's updateMetrics over the context")
    func gauges() {
        let registry = KafkaMetricsRegistry()
        let metrics = ControllerMetrics(factory: registry.factory)
        var gauges = ControllerMetrics.ContextGauges()
        gauges.offlinePartitionsCount = 3
        gauges.globalTopicCount = 2
        metrics.recordContextGauges(gauges)
        metrics.recordOnRead(isActive: true, state: .topicChange, queueSize: 4, statistics: ControllerEventStatistics())
        let text = registry.exposition()
        #expect(text.contains("kafka_controller_KafkaController_ActiveControllerCount 1"))
        #expect(text.contains("kafka_controller_KafkaController_ControllerState 3"))
        #expect(text.contains("kafka_controller_ControllerEventManager_EventQueueSize 4"))
        #expect(text.contains("kafka_controller_KafkaController_OfflinePartitionsCount 3"))
        #expect(text.contains("kafka_controller_KafkaController_GlobalTopicCount 2"))
        #expect(text.contains("kafka_controller_KafkaController_PreferredReplicaImbalanceCount 0"))
    }

    @Test("context gauges count offline partitions and the topic total as Kafka's updateMetrics does")
    func contextGauges() {
        let context = ControllerContext()
        let partition = TopicPartition(topic: "t", partition: 0)
        context.updatePartitionFullReplicaAssignment(partition, ReplicaAssignment(replicas: [1, 2]))
        context.updatePartitionFullReplicaAssignment(TopicPartition(topic: "u", partition: 0), ReplicaAssignment(replicas: [1]))
        context.putPartitionState(partition, .offline)
        let gauges = ControllerMetrics.ContextGauges(context)
        #expect(gauges.offlinePartitionsCount == 1)
        #expect(gauges.globalTopicCount == 2)
        #expect(gauges.topicsToDeleteCount == 0)
    }
}

private struct Failure: Error {}

/// Runs a closure per event.
private final class ClosureProcessor: ControllerEventProcessor, @unchecked Sendable {
    let body: (ControllerEvent) throws -> Void
    init(_ body: @escaping (ControllerEvent) throws -> Void) { self.body = body }
    func process(_ event: ControllerEvent) throws { try body(event) }
    func preempt(_ event: ControllerEvent) {}
}
