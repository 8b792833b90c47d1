import CoreMetrics
import Prometheus
import Synchronization

/// One broker's metrics: a `PrometheusCollectorRegistry` that the broker's components record into through
/// swift-metrics (``factory``), and what `/metrics` serves (``exposition()``).
///
/// Kafka computes most gauges when they are read (`newGauge(name, () => value)`); ``onCollect(_:)`` keeps that
/// shape: a collector records its gauges just before each exposition. Counters and timers are recorded when
/// the thing happens (an event processed, a request answered).
public final class KafkaMetricsRegistry: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// The factory components record through: `Gauge(label:dimensions:factory:)`, `Timer(…factory:)`, ….
    public let factory: any MetricsFactory
    private let collectors = Mutex<[@Sendable () -> Void]>([])

    /// - Parameter constantDimensions: added to every metric (a broker's `("broker", "1")`), so several
    ///   brokers' scrapes stay apart in one Prometheus.
    public init(constantDimensions: [(String, String)] = []) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        self.factory = KafkaMetricsFactory(registry: registry, constantDimensions: constantDimensions)
    }

    /// Registers a closure that records computed-on-read gauges; it runs before every ``exposition()``.
    public func onCollect(_ collector: @escaping @Sendable () -> Void) {
        collectors.withLock { $0.append(collector) }
    }

    /// The Prometheus text exposition (format 0.0.4) of every metric recorded so far.
    public func exposition() -> String {
        for collector in collectors.withLock({ $0 }) { collector() }
        return registry.emitToString()
    }

}

extension CoreMetrics.Gauge {
    /// A gauge under Kafka's name, recording through `factory`.
    public convenience init(_ name: KafkaMetricName, dimensions: [(String, String)] = [], factory: any MetricsFactory) {
        self.init(label: name.prometheusName, dimensions: dimensions, factory: factory)
    }
}

extension CoreMetrics.Counter {
    /// A counter under Kafka's name, recording through `factory`.
    public convenience init(_ name: KafkaMetricName, dimensions: [(String, String)] = [], factory: any MetricsFactory) {
        self.init(label: name.prometheusName, dimensions: dimensions, factory: factory)
    }
}

extension CoreMetrics.Timer {
    /// A timer under Kafka's name (a histogram of milliseconds with ``KafkaMetricsRegistry``'s factory).
    public convenience init(_ name: KafkaMetricName, dimensions: [(String, String)] = [], factory: any MetricsFactory) {
        self.init(label: name.prometheusName, dimensions: dimensions, factory: factory)
    }
}
