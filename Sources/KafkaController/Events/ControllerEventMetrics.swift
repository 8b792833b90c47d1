import CoreMetrics
import KafkaMetrics

/// What the controller event thread records through swift-metrics, under Kafka 2.8's names:
/// `kafka.controller:type=ControllerStats,name=<State>RateAndTimeMs` per controller state,
/// `kafka.controller:type=ControllerEventManager,name=EventQueueTimeMs`, and two ZKafka counters Kafka
/// has no MBean for (failed and preempted events). ``ControllerEventManager`` records as each event ends.
public struct ControllerEventMetrics: Sendable {
    private let rateAndTime: [ControllerState: CoreMetrics.Timer]
    private let failures: [ControllerState: CoreMetrics.Counter]
    private let queueTime: CoreMetrics.Timer
    private let preempted: CoreMetrics.Counter

    /// - Parameter factory: the broker's factory (``KafkaMetricsRegistry/factory``); the default discards.
    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        var rateAndTime: [ControllerState: CoreMetrics.Timer] = [:]
        var failures: [ControllerState: CoreMetrics.Counter] = [:]
        for state in ControllerState.allCases {
            // Kafka times every state but Idle and UpdateMetadataResponseReceived.
            guard let name = state.rateAndTimeMetricName else { continue }
            rateAndTime[state] = CoreMetrics.Timer(.controllerStats(name), factory: factory)
            failures[state] = CoreMetrics.Counter(
                label: "kafka_controller_event_failures_total", dimensions: [("state", state.name)], factory: factory)
        }
        self.rateAndTime = rateAndTime
        self.failures = failures
        queueTime = CoreMetrics.Timer(.controllerEventManager("EventQueueTimeMs"), factory: factory)
        preempted = CoreMetrics.Counter(label: "kafka_controller_events_preempted_total", factory: factory)
    }

    func recordQueueWait(nanoseconds: UInt64) { queueTime.recordNanoseconds(Int64(clamping: nanoseconds)) }

    func recordProcessing(state: ControllerState, nanoseconds: UInt64, failed: Bool) {
        rateAndTime[state]?.recordNanoseconds(Int64(clamping: nanoseconds))
        if failed { failures[state]?.increment() }
    }

    func recordPreemption() { preempted.increment() }
}
