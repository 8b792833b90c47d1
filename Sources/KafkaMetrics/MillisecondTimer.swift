import CoreMetrics
import Prometheus

/// A swift-metrics timer kept as a Prometheus histogram of milliseconds. Kafka's timers (`…TimeMs`,
/// `…RateAndTimeMs`) report milliseconds, and their names say so; swift-prometheus would render a timer in
/// seconds under that name, so timers made by ``KafkaMetricsRegistry`` go through this handler instead.
final class MillisecondTimer: TimerHandler, Sendable {
    private let histogram: ValueHistogram

    init(_ histogram: ValueHistogram) { self.histogram = histogram }

    func recordNanoseconds(_ duration: Int64) { histogram.record(Double(duration) / 1_000_000) }
}
