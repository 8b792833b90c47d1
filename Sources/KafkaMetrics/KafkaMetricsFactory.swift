import CoreMetrics
import Prometheus

/// The swift-metrics factory of one broker: every metric goes to that broker's
/// `PrometheusCollectorRegistry`, carries the broker's constant dimensions (`broker="1"`), and timers are
/// histograms in milliseconds (``MillisecondTimer``). One per broker, passed to the components that record,
/// rather than `MetricsSystem.bootstrap`: a test process hosts several brokers, and the global can be
/// bootstrapped only once.
struct KafkaMetricsFactory: MetricsFactory {
    /// Bucket bounds of the millisecond histograms: Kafka's timers span sub-millisecond request handling to
    /// controller failovers of tens of seconds.
    static let millisecondBuckets: [Double] = [
        0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000,
    ]

    let registry: PrometheusCollectorRegistry
    let prometheus: PrometheusMetricsFactory
    let constantDimensions: [(String, String)]

    init(registry: PrometheusCollectorRegistry, constantDimensions: [(String, String)]) {
        self.registry = registry
        var prometheus = PrometheusMetricsFactory(registry: registry)
        prometheus.defaultValueHistogramBuckets = Self.millisecondBuckets
        self.prometheus = prometheus
        self.constantDimensions = constantDimensions
    }

    private func dimensions(_ dimensions: [(String, String)]) -> [(String, String)] { constantDimensions + dimensions }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        prometheus.makeCounter(label: label, dimensions: self.dimensions(dimensions))
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        prometheus.makeFloatingPointCounter(label: label, dimensions: self.dimensions(dimensions))
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        prometheus.makeRecorder(label: label, dimensions: self.dimensions(dimensions), aggregate: aggregate)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        prometheus.makeMeter(label: label, dimensions: self.dimensions(dimensions))
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        MillisecondTimer(
            registry.makeValueHistogram(name: label, labels: self.dimensions(dimensions), buckets: Self.millisecondBuckets))
    }

    func destroyCounter(_ handler: any CounterHandler) { prometheus.destroyCounter(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { prometheus.destroyFloatingPointCounter(handler) }
    func destroyRecorder(_ handler: any RecorderHandler) { prometheus.destroyRecorder(handler) }
    func destroyMeter(_ handler: any MeterHandler) { prometheus.destroyMeter(handler) }
    func destroyTimer(_ handler: any TimerHandler) {}
}
