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

    public init(connectionID: String, clientAddress: String, listenerName: String, header: RequestHeaderPrefix) {
        self.connectionID = connectionID
        self.clientAddress = clientAddress
        self.listenerName = listenerName
        self.header = header
    }
}
