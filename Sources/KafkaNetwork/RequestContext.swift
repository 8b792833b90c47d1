/// Where a request came from, handed to the application's ``KafkaRequestHandler`` with each request.
public struct RequestContext: Sendable {
    /// Kafka's connection id: `localHost:localPort-remoteHost:remotePort-index`.
    public var connectionID: String
    /// The client's `host:port`.
    public var clientAddress: String
    /// The name of the listener that accepted the connection.
    public var listenerName: String
    /// apiKey, apiVersion and correlation id from the first eight bytes of the frame.
    public var header: RequestHeaderPrefix
    /// Whether the request's connection is still open. A handler that answers late (a Fetch parked
    /// for `max_wait_ms`, a follower's 100,000-partition full fetch) asks before keeping state for an
    /// answer nobody will read.
    public var isConnectionOpen: @Sendable () -> Bool

    public init(
        connectionID: String, clientAddress: String, listenerName: String, header: RequestHeaderPrefix,
        isConnectionOpen: @escaping @Sendable () -> Bool = { true }
    ) {
        self.connectionID = connectionID
        self.clientAddress = clientAddress
        self.listenerName = listenerName
        self.header = header
        self.isConnectionOpen = isConnectionOpen
    }
}
