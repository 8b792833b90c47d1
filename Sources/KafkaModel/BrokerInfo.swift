/// One advertised endpoint of a broker: listener name, host, port, security protocol.
public struct BrokerEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var listenerName: String
    public var host: String
    public var port: Int32
    public var securityProtocol: String

    public init(listenerName: String, host: String, port: Int32, securityProtocol: String) {
        self.listenerName = listenerName
        self.host = host
        self.port = port
        self.securityProtocol = securityProtocol
    }

    /// `PLAINTEXT://host:port`, the form Kafka writes into a broker's registration.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(listenerName)://\(shownHost):\(port)"
    }
}

/// A live broker as the controller and the metadata cache know it: id, endpoints, rack, and the
/// broker epoch (the czxid of its `/brokers/ids/<id>` znode, KIP-380).
public struct BrokerInfo: Sendable, Hashable {
    public var id: BrokerID
    public var endpoints: [BrokerEndpoint]
    public var rack: String?
    public var epoch: Int64

    public init(id: BrokerID, endpoints: [BrokerEndpoint], rack: String? = nil, epoch: Int64) {
        self.id = id
        self.endpoints = endpoints
        self.rack = rack
        self.epoch = epoch
    }

    /// The endpoint for `listenerName`, if the broker has one.
    public func endpoint(for listenerName: String) -> BrokerEndpoint? {
        endpoints.first { $0.listenerName == listenerName }
    }
}
