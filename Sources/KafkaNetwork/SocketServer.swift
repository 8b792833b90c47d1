import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The broker's network layer, Kafka's Reactor (`SocketServer.scala`):
///
/// - an acceptor per listener: a NIO server channel on its own single-thread event loop group;
/// - `num.network.threads` processors: a `MultiThreadedEventLoopGroup` whose loops own the accepted connections,
///   do the socket I/O and the framing (``RequestFrameDecoder``) and the per-connection muting
///   (``ConnectionHandler``);
/// - a ``RequestChannel`` bounded by `queued.max.requests`;
/// - a ``RequestHandlerPool`` of `num.io.threads` workers calling the application's ``KafkaRequestHandler``;
/// - responses written back into the connection's channel, handled on its processor, in request order.
///
/// See docs/network.md.
public final class SocketServer: Sendable {
    /// A listener as bound: with the real port when the configuration asked for port 0.
    public struct BoundListener: Sendable, Hashable {
        public var name: String
        public var host: String
        public var port: Int
    }

    public enum ServerError: Error, Hashable, CustomStringConvertible {
        case invalidConfiguration([String])
        case alreadyStarted
        case alreadyShutDown

        public var description: String {
            switch self {
            case .invalidConfiguration(let errors): return "invalid network configuration: " + errors.joined(separator: "; ")
            case .alreadyStarted: return "the socket server was already started"
            case .alreadyShutDown: return "the socket server was shut down"
            }
        }
    }

    private enum Lifecycle {
        case idle
        case starting
        case running(Running)
        case shutDown
    }

    private struct Running {
        var acceptorGroup: MultiThreadedEventLoopGroup
        var processorGroup: MultiThreadedEventLoopGroup
        var serverChannels: [any Channel]
        var bound: [BoundListener]
        var handlerPool: Task<Void, Never>
        var handlerThreads: RequestHandlerThreads
    }

    public let configuration: SocketServerConfiguration
    private let handler: any KafkaRequestHandler
    private let logger: Logger
    private let requestChannel: RequestChannel
    private let metricsRecorder = NetworkMetricsRecorder()
    private let requestMetrics: RequestMetrics
    private let lifecycle = NIOLockedValueBox(Lifecycle.idle)
    private let connections = NIOLockedValueBox(ConnectionRegistry())

    private struct ConnectionRegistry {
        var nextIndex = 0
        var open: [ObjectIdentifier: any Channel] = [:]
    }

    public init(
        configuration: SocketServerConfiguration,
        handler: any KafkaRequestHandler,
        logger: Logger = Logger(label: "zkafka.network"),
        requestMetrics: RequestMetrics = RequestMetrics()
    ) throws {
        self.requestMetrics = requestMetrics
        let errors = configuration.validationErrors
        guard errors.isEmpty else { throw ServerError.invalidConfiguration(errors) }
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.requestChannel = RequestChannel(
            queueCapacity: configuration.queuedMaxRequests,
            maxInProcessing: configuration.queuedMaxRequests
        )
    }

    /// Binds every listener, starts the handler pool, and returns the bound addresses (real ports for port 0).
    /// On a bind failure everything started so far is stopped again and the error is rethrown.
    @discardableResult
    public func start() async throws -> [BoundListener] {
        try lifecycle.withLockedValue { state in
            switch state {
            case .idle: state = .starting
            case .starting, .running: throw ServerError.alreadyStarted
            case .shutDown: throw ServerError.alreadyShutDown
            }
        }
        let acceptorGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let processorGroup = MultiThreadedEventLoopGroup(numberOfThreads: configuration.numNetworkThreads)
        var serverChannels: [any Channel] = []
        var bound: [BoundListener] = []
        do {
            for listener in configuration.listeners {
                let channel = try await makeBootstrap(
                    listener: listener, acceptorGroup: acceptorGroup, processorGroup: processorGroup
                ).bind(host: listener.host, port: listener.port).get()
                serverChannels.append(channel)
                let port = channel.localAddress?.port ?? listener.port
                bound.append(BoundListener(name: listener.name, host: listener.host, port: port))
                logger.info(
                    "listening on \(listener.host):\(port)",
                    metadata: [NetworkLoggingKeys.listener: "\(listener.name)"])
            }
        } catch {
            for channel in serverChannels { try? await channel.close() }
            try? await processorGroup.shutdownGracefully()
            try? await acceptorGroup.shutdownGracefully()
            lifecycle.withLockedValue { $0 = .idle }
            throw error
        }
        let pool = RequestHandlerPool(
            channel: requestChannel, handler: handler, numWorkers: configuration.numIOThreads, logger: logger,
            requestMetrics: requestMetrics)
        // Handlers run on threads of their own, not on the cooperative pool (see RequestHandlerThreads).
        let handlerThreads = RequestHandlerThreads(numberOfThreads: configuration.numIOThreads)
        let poolTask = Task(executorPreference: handlerThreads) { await pool.run() }
        let running = Running(
            acceptorGroup: acceptorGroup,
            processorGroup: processorGroup,
            serverChannels: serverChannels,
            bound: bound,
            handlerPool: poolTask,
            handlerThreads: handlerThreads
        )
        lifecycle.withLockedValue { $0 = .running(running) }
        return bound
    }

    /// The bound listeners; empty unless running.
    public var boundListeners: [BoundListener] {
        lifecycle.withLockedValue { state in
            if case .running(let running) = state { return running.bound }
            return []
        }
    }

    /// A snapshot of the counters.
    public var metrics: SocketServerMetrics {
        var snapshot = metricsRecorder.snapshot
        let counters = requestChannel.counters
        snapshot.requestsQueued = counters.queued
        snapshot.requestsWaitingForQueue = counters.waitingForRoom
        snapshot.requestsInProcessing = counters.inProcessing
        snapshot.maxRequestsQueued = counters.maxQueued
        snapshot.maxRequestsInProcessing = counters.maxInProcessing
        snapshot.maxRequestsOutstanding = counters.maxOutstanding
        return snapshot
    }

    /// Stops accepting, drops queued requests, closes every connection, cancels and awaits the handlers still
    /// running, and stops the event loops. The ports are free when it returns. Safe to call more than once.
    public func shutdown() async {
        let running: Running? = lifecycle.withLockedValue { state in
            guard case .running(let running) = state else {
                if case .idle = state { state = .shutDown }
                return nil
            }
            state = .shutDown
            return running
        }
        guard let running else { return }
        logger.info("shutting down socket server")
        for channel in running.serverChannels { try? await channel.close() }
        let dropped = requestChannel.close()
        if dropped > 0 { logger.debug("dropped \(dropped) queued requests at shutdown") }
        let open = connections.withLockedValue { Array($0.open.values) }
        for channel in open {
            channel.pipeline.fireUserInboundEventTriggered(ConnectionHandler.ServerShutdown())
        }
        for channel in open { try? await channel.closeFuture.get() }
        running.handlerPool.cancel()
        await running.handlerPool.value
        await running.handlerThreads.shutdown()
        try? await running.processorGroup.shutdownGracefully()
        try? await running.acceptorGroup.shutdownGracefully()
        logger.info("socket server shut down")
    }

    private func makeBootstrap(
        listener: SocketServerConfiguration.Listener,
        acceptorGroup: MultiThreadedEventLoopGroup,
        processorGroup: MultiThreadedEventLoopGroup
    ) -> ServerBootstrap {
        var bootstrap = ServerBootstrap(group: acceptorGroup, childGroup: processorGroup)
            .serverChannelOption(.backlog, value: Int32(configuration.listenBacklog))
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
        if configuration.socketSendBufferBytes > 0 {
            bootstrap = bootstrap.childChannelOption(
                .socketOption(.so_sndbuf), value: SocketOptionValue(configuration.socketSendBufferBytes))
        }
        if configuration.socketReceiveBufferBytes > 0 {
            bootstrap = bootstrap.childChannelOption(
                .socketOption(.so_rcvbuf), value: SocketOptionValue(configuration.socketReceiveBufferBytes))
        }
        let listenerName = listener.name
        return bootstrap.childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try self.initializeConnection(channel, listenerName: listenerName)
            }
        }
    }

    private func initializeConnection(_ channel: any Channel, listenerName: String) throws {
        let key = ObjectIdentifier(channel)
        let index = connections.withLockedValue { registry in
            registry.open[key] = channel
            defer { registry.nextIndex += 1 }
            return registry.nextIndex
        }
        channel.closeFuture.whenComplete { _ in
            _ = self.connections.withLockedValue { $0.open.removeValue(forKey: key) }
        }
        let local = channel.localAddress.map(Self.hostAndPort) ?? "unknown"
        let remote = channel.remoteAddress.map(Self.hostAndPort) ?? "unknown"
        let idle = TimeAmount.milliseconds(configuration.connectionsMaxIdleMs)
        try channel.pipeline.syncOperations.addHandlers([
            IdleStateHandler(allTimeout: idle),
            ByteToMessageHandler(RequestFrameDecoder(maxFrameBytes: configuration.socketRequestMaxBytes)),
            ConnectionHandler(
                connectionID: "\(local)-\(remote)-\(index)",
                clientAddress: remote,
                listenerName: listenerName,
                requestChannel: requestChannel,
                metrics: metricsRecorder,
                requestMetrics: requestMetrics,
                logger: logger
            ),
        ])
    }

    private static func hostAndPort(_ address: SocketAddress) -> String {
        let host = address.ipAddress ?? "\(address)"
        guard let port = address.port else { return host }
        if case .v6 = address { return "[\(host)]:\(port)" }
        return "\(host):\(port)"
    }
}
