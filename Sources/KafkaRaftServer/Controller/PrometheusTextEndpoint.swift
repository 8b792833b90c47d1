import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP server answering `GET /metrics` with Prometheus text from `exposition` (`zkafka.metrics.port`,
/// as on ZooKeeper-mode brokers, whose `KafkaServer.MetricsEndpoint` this mirrors for controller processes,
/// which do not link the broker). Other paths get 404.
public final class PrometheusTextEndpoint: Sendable {
    private let channel: any Channel
    public let port: Int

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    public static func start(
        host: String, port: Int, exposition: @escaping @Sendable () async -> String,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> PrometheusTextEndpoint {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(exposition: exposition))
                }
            }
            .bind(host: host, port: port)
            .get()
        return PrometheusTextEndpoint(channel: channel, port: channel.localAddress?.port ?? port)
    }

    public func close() async { try? await channel.close() }

    private final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let exposition: @Sendable () async -> String

        init(exposition: @escaping @Sendable () async -> String) { self.exposition = exposition }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .head(let request) = unwrapInboundIn(data) else { return }
            let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.uri
            let isMetrics = request.method == .GET && path == "/metrics"
            let loop = context.eventLoop
            let promise = loop.makePromise(of: String.self)
            if isMetrics {
                let exposition = self.exposition
                promise.completeWithTask { await exposition() }
            } else {
                promise.succeed("Not found: only GET /metrics is served\n")
            }
            let version = request.version
            let contextBox = NIOLoopBound(context, eventLoop: loop)
            let handler = NIOLoopBound(self, eventLoop: loop)
            promise.futureResult.whenSuccess { body in
                let context = contextBox.value
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: isMetrics ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain")
                headers.add(name: "Content-Length", value: "\(body.utf8.count)")
                headers.add(name: "Connection", value: "close")
                let head = HTTPResponseHead(version: version, status: isMetrics ? .ok : .notFound, headers: headers)
                context.write(handler.value.wrapOutboundOut(.head(head)), promise: nil)
                context.write(handler.value.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
                context.writeAndFlush(handler.value.wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
            }
        }
    }
}
