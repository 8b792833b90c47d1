import CoreMetrics
import KafkaMetrics
import NIOConcurrencyHelpers

/// Kafka's `kafka.network:type=RequestMetrics` timers and meter, one set per API (the `request` label, as
/// the MBean's `request=Produce` key): `RequestQueueTimeMs` (received → taken by a handler),
/// `LocalTimeMs` (in the handler; Kafka subtracts the purgatory wait as `RemoteTimeMs`, which ZKafka's
/// handlers do not report apart, so a long-polling Fetch counts it here), `TotalTimeMs` (received → response
/// written or dropped) and `RequestsPerSec` (a counter, with the `version` label). The network layer knows
/// only API keys; the application names them (`requestName`).
public final class RequestMetrics: Sendable {
    private struct Handles: Sendable {
        var queueTime: CoreMetrics.Timer
        var localTime: CoreMetrics.Timer
        var totalTime: CoreMetrics.Timer
    }

    private let factory: any MetricsFactory
    private let requestName: @Sendable (Int16) -> String
    private let handles = NIOLockedValueBox<[Int16: Handles]>([:])
    private let requests = NIOLockedValueBox<[RequestHeaderPrefix.Version: CoreMetrics.Counter]>([:])

    /// - Parameters:
    ///   - factory: the broker's swift-metrics factory; the default discards.
    ///   - requestName: Kafka's name of an API key (`Produce`, `Fetch`, …).
    public init(
        factory: any MetricsFactory = NOOPMetricsHandler.instance,
        requestName: @escaping @Sendable (Int16) -> String = { "ApiKey(\($0))" }
    ) {
        self.factory = factory
        self.requestName = requestName
    }

    func recordQueueTime(_ header: RequestHeaderPrefix, nanoseconds: Int64) {
        handles(header.apiKey).queueTime.recordNanoseconds(nanoseconds)
    }

    func recordLocalTime(_ header: RequestHeaderPrefix, nanoseconds: Int64) {
        handles(header.apiKey).localTime.recordNanoseconds(nanoseconds)
    }

    func recordCompletion(_ header: RequestHeaderPrefix, totalNanoseconds: Int64) {
        handles(header.apiKey).totalTime.recordNanoseconds(totalNanoseconds)
        let version = RequestHeaderPrefix.Version(apiKey: header.apiKey, apiVersion: header.apiVersion)
        let counter = requests.withLockedValue { counters in
            if let counter = counters[version] { return counter }
            let counter = CoreMetrics.Counter(
                .requestMetrics("RequestsPerSec"),
                dimensions: [("request", requestName(header.apiKey)), ("version", "\(header.apiVersion)")], factory: factory)
            counters[version] = counter
            return counter
        }
        counter.increment()
    }

    private func handles(_ apiKey: Int16) -> Handles {
        handles.withLockedValue { handles in
            if let existing = handles[apiKey] { return existing }
            let dimensions = [("request", requestName(apiKey))]
            let created = Handles(
                queueTime: CoreMetrics.Timer(.requestMetrics("RequestQueueTimeMs"), dimensions: dimensions, factory: factory),
                localTime: CoreMetrics.Timer(.requestMetrics("LocalTimeMs"), dimensions: dimensions, factory: factory),
                totalTime: CoreMetrics.Timer(.requestMetrics("TotalTimeMs"), dimensions: dimensions, factory: factory))
            handles[apiKey] = created
            return created
        }
    }
}

extension RequestHeaderPrefix {
    /// An API key and version: the key of `RequestsPerSec`'s time series.
    struct Version: Hashable, Sendable {
        var apiKey: Int16
        var apiVersion: Int16
    }
}
