import CoreMetrics
import KafkaMetrics
import KafkaModel

/// Kafka 2.8's `kafka.controller:type=KafkaController` gauges (and `ControllerEventManager`'s
/// `EventQueueSize`), recorded through swift-metrics.
///
/// Two moments, as in Kafka: the context gauges (offline partitions, preferred-replica imbalance, topic and
/// deletion counts) are computed on the event thread after an event (Kafka's `KafkaController.updateMetrics`),
/// because the ``ControllerContext`` belongs to that thread; the others are read from thread-safe state when
/// `/metrics` is scraped (``recordOnRead(isActive:state:queueSize:statistics:)``).
public struct ControllerMetrics: Sendable {
    /// The context gauges, as values: what ``recordContextGauges(_:)`` records.
    public struct ContextGauges: Sendable, Hashable {
        public var offlinePartitionsCount = 0
        public var preferredReplicaImbalanceCount = 0
        public var globalTopicCount = 0
        public var globalPartitionCount = 0
        public var topicsToDeleteCount = 0
        public var replicasToDeleteCount = 0
        public var topicsIneligibleToDeleteCount = 0
        public var replicasIneligibleToDeleteCount = 0

        public init() {}

        /// Kafka's `updateMetrics` over a context. An inactive controller's context is empty, so all zero.
        public init(_ context: ControllerContext) {
            offlinePartitionsCount = context.offlinePartitionCount
            preferredReplicaImbalanceCount = context.preferredReplicaImbalanceCount
            globalTopicCount = context.allTopics.count
            // Kafka's `partitionWithLeadersCount`.
            globalPartitionCount = context.partitionLeadershipInfo.count
            topicsToDeleteCount = context.topicsToBeDeleted.count
            topicsIneligibleToDeleteCount = context.topicsIneligibleForDeletion.count
            for topic in context.topicsToBeDeleted {
                for partition in context.partitionsForTopic(topic) {
                    for broker in context.partitionReplicaAssignment(partition) {
                        let state = context.replicaState(PartitionReplica(topicPartition: partition, replica: broker))
                        if state != .deletionSuccessful { replicasToDeleteCount += 1 }
                        if state == .deletionIneligible { replicasIneligibleToDeleteCount += 1 }
                    }
                }
            }
        }
    }

    private let activeControllerCount: Gauge
    private let controllerState: Gauge
    private let eventQueueSize: Gauge
    private let offlinePartitionsCount: Gauge
    private let preferredReplicaImbalanceCount: Gauge
    private let globalTopicCount: Gauge
    private let globalPartitionCount: Gauge
    private let topicsToDeleteCount: Gauge
    private let replicasToDeleteCount: Gauge
    private let topicsIneligibleToDeleteCount: Gauge
    private let replicasIneligibleToDeleteCount: Gauge
    private let factory: any MetricsFactory

    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
        activeControllerCount = Gauge(.kafkaController("ActiveControllerCount"), factory: factory)
        controllerState = Gauge(.kafkaController("ControllerState"), factory: factory)
        eventQueueSize = Gauge(.controllerEventManager("EventQueueSize"), factory: factory)
        offlinePartitionsCount = Gauge(.kafkaController("OfflinePartitionsCount"), factory: factory)
        preferredReplicaImbalanceCount = Gauge(.kafkaController("PreferredReplicaImbalanceCount"), factory: factory)
        globalTopicCount = Gauge(.kafkaController("GlobalTopicCount"), factory: factory)
        globalPartitionCount = Gauge(.kafkaController("GlobalPartitionCount"), factory: factory)
        topicsToDeleteCount = Gauge(.kafkaController("TopicsToDeleteCount"), factory: factory)
        replicasToDeleteCount = Gauge(.kafkaController("ReplicasToDeleteCount"), factory: factory)
        topicsIneligibleToDeleteCount = Gauge(.kafkaController("TopicsIneligibleToDeleteCount"), factory: factory)
        replicasIneligibleToDeleteCount = Gauge(.kafkaController("ReplicasIneligibleToDeleteCount"), factory: factory)
    }

    /// Records the context gauges (event thread, after an event).
    public func recordContextGauges(_ gauges: ContextGauges) {
        offlinePartitionsCount.record(gauges.offlinePartitionsCount)
        preferredReplicaImbalanceCount.record(gauges.preferredReplicaImbalanceCount)
        globalTopicCount.record(gauges.globalTopicCount)
        globalPartitionCount.record(gauges.globalPartitionCount)
        topicsToDeleteCount.record(gauges.topicsToDeleteCount)
        replicasToDeleteCount.record(gauges.replicasToDeleteCount)
        topicsIneligibleToDeleteCount.record(gauges.topicsIneligibleToDeleteCount)
        replicasIneligibleToDeleteCount.record(gauges.replicasIneligibleToDeleteCount)
    }

    /// Records the gauges read from thread-safe state (any thread, when scraped), and ZKafka's longest-wait
    /// gauges, which Kafka's histograms report as their `Max` attribute.
    public func recordOnRead(isActive: Bool, state: ControllerState, queueSize: Int, statistics: ControllerEventStatistics) {
        activeControllerCount.record(isActive ? 1 : 0)
        controllerState.record(Int(state.rawValue))
        eventQueueSize.record(queueSize)
        for (state, timer) in statistics.states {
            Gauge(label: "kafka_controller_event_processing_seconds_max", dimensions: [("state", state.name)], factory: factory)
                .record(Double(timer.maxProcessingNanoseconds) / 1e9)
        }
        Gauge(label: "kafka_controller_event_queue_wait_seconds_max", factory: factory)
            .record(Double(statistics.maxQueueWaitNanoseconds) / 1e9)
        Gauge(label: "kafka_controller_event_queue_wait_seconds_last", factory: factory)
            .record(Double(statistics.lastQueueWaitNanoseconds ?? 0) / 1e9)
    }
}
