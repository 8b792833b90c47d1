import KafkaConfig
import KafkaMetrics
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP server answering `GET /metrics` with the broker's metrics in the Prometheus text
/// format (`zkafka.metrics.port`; Kafka itself reports them over JMX, which the Prometheus JMX exporter
/// turns into the same names). Other paths get 404.
final class MetricsEndpoint: Sendable {
    private let channel: any Channel
    let port: Int

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    static func start(
        host: String, port: Int, exposition: @escaping @Sendable () -> String,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> MetricsEndpoint {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(MetricsRequestHandler(exposition: exposition))
                }
            }
            .bind(host: host, port: port)
            .get()
        return MetricsEndpoint(channel: channel, port: channel.localAddress?.port ?? port)
    }

    func close() async { try? await channel.close() }
}

private final class MetricsRequestHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let exposition: @Sendable () -> String

    init(exposition: @escaping @Sendable () -> String) { self.exposition = exposition }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let request) = unwrapInboundIn(data) else { return }
        let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.uri
        let (status, body): (HTTPResponseStatus, String) =
            request.method == .GET && path == "/metrics"
            ? (.ok, exposition())
            : (.notFound, "Not found: only GET /metrics is served\n")
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: status == .ok ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain")
        headers.add(name: "Content-Length", value: "\(body.utf8.count)")
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}

extension MetricsEndpoint {
    /// `zkafka.metrics.port` of a broker (either mode): serves `registry`'s Prometheus text at GET /metrics on
    /// the first listener's host, or nothing when the port is not set.
    static func start(
        for config: BrokerConfig, registry: KafkaMetricsRegistry, logger: Logger
    ) async throws -> MetricsEndpoint? {
        guard let port = config.metricsPort else { return nil }
        let host = config.listeners.first.map { $0.host.isEmpty ? "0.0.0.0" : $0.host } ?? "0.0.0.0"
        let endpoint = try await MetricsEndpoint.start(host: host, port: port) { registry.exposition() }
        logger.info("Metrics endpoint listening on http://\(host):\(endpoint.port)/metrics")
        return endpoint
    }
}
