/// Settings of the broker's network layer, named after Kafka 2.8's `server.properties` keys.
///
/// Defaults are Kafka's (`KafkaConfig.scala` / `Defaults`).
public struct SocketServerConfiguration: Sendable, Hashable {
    /// One address to listen on (`listeners=NAME://host:port`). Port 0 binds an ephemeral port; the bound
    /// port is reported by ``SocketServer/start()``.
    public struct Listener: Sendable, Hashable {
        /// The listener name (`PLAINTEXT` by default), passed to handlers in ``RequestContext/listenerName``.
        public var name: String
        public var host: String
        public var port: Int

        public init(name: String = "PLAINTEXT", host: String, port: Int) {
            self.name = name
            self.host = host
            self.port = port
        }
    }

    /// `listeners`.
    public var listeners: [Listener]
    /// `num.network.threads`: event loops doing socket I/O and framing (Kafka's processors). Default 3.
    public var numNetworkThreads: Int
    /// `num.io.threads`: request handler workers pulling from the request channel. Default 8.
    public var numIOThreads: Int
    /// `socket.request.max.bytes`: the largest request frame accepted (size prefix excluded). Default 100 MiB.
    public var socketRequestMaxBytes: Int
    /// `connections.max.idle.ms`: connections with no traffic for this long are closed. Default 10 minutes.
    public var connectionsMaxIdleMs: Int64
    /// `queued.max.requests`: capacity of the request channel between processors and handlers. It also caps the
    /// number of requests whose handler is running at once (see docs/network.md). Default 500.
    public var queuedMaxRequests: Int
    /// `socket.send.buffer.bytes` (SO_SNDBUF of accepted sockets); -1 keeps the OS default. Default 102400.
    public var socketSendBufferBytes: Int
    /// `socket.receive.buffer.bytes` (SO_RCVBUF of accepted sockets); -1 keeps the OS default. Default 102400.
    public var socketReceiveBufferBytes: Int
    /// Accept backlog of each listening socket (Kafka's `SocketServer` uses 50).
    public var listenBacklog: Int

    public init(
        listeners: [Listener] = [Listener(host: "0.0.0.0", port: 9092)],
        numNetworkThreads: Int = 3,
        numIOThreads: Int = 8,
        socketRequestMaxBytes: Int = 104_857_600,
        connectionsMaxIdleMs: Int64 = 600_000,
        queuedMaxRequests: Int = 500,
        socketSendBufferBytes: Int = 102_400,
        socketReceiveBufferBytes: Int = 102_400,
        listenBacklog: Int = 50
    ) {
        self.listeners = listeners
        self.numNetworkThreads = numNetworkThreads
        self.numIOThreads = numIOThreads
        self.socketRequestMaxBytes = socketRequestMaxBytes
        self.connectionsMaxIdleMs = connectionsMaxIdleMs
        self.queuedMaxRequests = queuedMaxRequests
        self.socketSendBufferBytes = socketSendBufferBytes
        self.socketReceiveBufferBytes = socketReceiveBufferBytes
        self.listenBacklog = listenBacklog
    }

    /// Problems that make a configuration unusable; empty when it is valid.
    public var validationErrors: [String] {
        var errors: [String] = []
        if listeners.isEmpty { errors.append("listeners must name at least one address") }
        for listener in listeners where !(0...65535).contains(listener.port) {
            errors.append("listener \(listener.name) port \(listener.port) is out of range")
        }
        if numNetworkThreads < 1 { errors.append("num.network.threads must be at least 1") }
        if numIOThreads < 1 { errors.append("num.io.threads must be at least 1") }
        if socketRequestMaxBytes < 8 { errors.append("socket.request.max.bytes must be at least 8") }
        if connectionsMaxIdleMs < 1 { errors.append("connections.max.idle.ms must be positive") }
        if queuedMaxRequests < 1 { errors.append("queued.max.requests must be at least 1") }
        return errors
    }
}
