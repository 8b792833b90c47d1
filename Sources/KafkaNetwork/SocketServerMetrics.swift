/// A snapshot of the network layer's counters (for tests, benchmarks and a future metrics exporter).
public struct SocketServerMetrics: Sendable, Hashable {
    /// Connections accepted since start.
    public var connectionsAccepted: Int = 0
    /// Connections open now.
    public var connectionsOpen: Int = 0
    /// Connections closed since start, by reason.
    public var connectionsClosed: [ConnectionCloseReason: Int] = [:]
    /// Complete request frames read (including ones later rejected as malformed).
    public var requestsReceived: Int = 0
    /// Responses written to sockets.
    public var responsesSent: Int = 0
    /// Requests answered with ``ResponseAction/noResponse``.
    public var requestsWithoutResponse: Int = 0
    /// Bytes of complete request frames read, size prefixes included.
    public var bytesIn: Int = 0
    /// Bytes of responses written, size prefixes included.
    public var bytesOut: Int = 0
    /// Requests waiting in the request channel now (at most `queued.max.requests`).
    public var requestsQueued: Int = 0
    /// Requests read from a connection that is waiting for room in the full request channel (at most one per
    /// connection; that connection reads nothing meanwhile).
    public var requestsWaitingForQueue: Int = 0
    /// Requests whose handler is running now (at most `queued.max.requests`).
    public var requestsInProcessing: Int = 0
    /// High-water mark of ``requestsQueued``.
    public var maxRequestsQueued: Int = 0
    /// High-water mark of ``requestsInProcessing``.
    public var maxRequestsInProcessing: Int = 0
    /// High-water mark of requests read but not yet answered, anywhere in the server.
    public var maxRequestsOutstanding: Int = 0

    public init() {}

    /// Connections closed for `reason` since start.
    public func closed(_ reason: ConnectionCloseReason) -> Int { connectionsClosed[reason, default: 0] }
}
