import Foundation
import KafkaModel

/// `/brokers/ids/<id>`: a broker's registration, version 5 as Kafka 2.8 writes it with IBP 2.8
/// (`BrokerIdZNode.encode`). The broker epoch is not in the data: it is the znode's czxid.
public struct BrokerRegistrationZNode: Sendable, Equatable {
    public var id: Int32
    public var endpoints: [BrokerEndpoint]
    public var rack: String?
    public var jmxPort: Int32
    /// Registration time, milliseconds since the epoch (written as a string).
    public var timestamp: Int64
    /// Supported features (`{}` for 2.8 brokers): name → (min, max).
    public var features: [String: ClosedRange<Int16>]

    public init(
        id: Int32, endpoints: [BrokerEndpoint], rack: String? = nil, jmxPort: Int32 = -1, timestamp: Int64,
        features: [String: ClosedRange<Int16>] = [:]
    ) {
        self.id = id
        self.endpoints = endpoints
        self.rack = rack
        self.jmxPort = jmxPort
        self.timestamp = timestamp
        self.features = features
    }

    public static let version: Int64 = 5

    public func encode() -> [UInt8] {
        // `host`/`port` carry the first PLAINTEXT endpoint for ancient clients; null/-1 without one.
        let plaintext = endpoints.first { $0.securityProtocol == "PLAINTEXT" }
        let protocolPairs: [(String, JSONText.Value)] = endpoints.map { ($0.listenerName, .string($0.securityProtocol)) }
        var pairs: [(String, JSONText.Value)] = [
            ("version", .int(Self.version)),
            ("host", plaintext.map { .string($0.host) } ?? .null),
            ("port", .int(Int64(plaintext?.port ?? -1))),
            ("jmx_port", .int(Int64(jmxPort))),
            ("timestamp", .string(String(timestamp))),
            ("endpoints", .array(endpoints.map { .string($0.description) })),
            ("listener_security_protocol_map", .object(protocolPairs)),
        ]
        if let rack { pairs.append(("rack", .string(rack))) }
        var featurePairs: [(String, JSONText.Value)] = []
        for (name, range) in features.sorted(by: { $0.key < $1.key }) {
            let bounds: [(String, JSONText.Value)] = [
                ("min_version", .int(Int64(range.lowerBound))), ("max_version", .int(Int64(range.upperBound))),
            ]
            featurePairs.append((name, .object(bounds)))
        }
        pairs.append(("features", .object(featurePairs)))
        return JSONText.encode(.object(pairs))
    }

    /// Decodes versions 1–5 (`BrokerIdZNode.decode`): endpoints and the protocol map when present,
    /// else `host`/`port` as a PLAINTEXT endpoint.
    public static func decode(id: Int32, data: [UInt8]?) throws(ZNodeDataError) -> BrokerRegistrationZNode {
        let path = ZNodePaths.broker(id)
        let fields = try JSONText.object(data, path: path)
        let version = try fields.int("version")
        guard (1...5).contains(version) else {
            throw .malformed(path: path, reason: "unsupported version \(version)")
        }
        var protocolMap: [String: String] = [:]
        if let map = try fields.object("listener_security_protocol_map") {
            for (name, value) in map.pairs {
                guard case .string(let securityProtocol) = value else {
                    throw .malformed(path: path, reason: "listener_security_protocol_map.\(name) is not a string")
                }
                protocolMap[name] = securityProtocol
            }
        }
        var endpoints: [BrokerEndpoint] = []
        if let items = try fields.array("endpoints") {
            for item in items {
                guard case .string(let text) = item, let endpoint = parseEndpoint(text, protocolMap: protocolMap) else {
                    throw .malformed(path: path, reason: "an endpoint is not a string LISTENER://host:port")
                }
                endpoints.append(endpoint)
            }
        } else if let host = fields.optionalString("host") {
            endpoints = [BrokerEndpoint(listenerName: "PLAINTEXT", host: host, port: try fields.int32("port"), securityProtocol: "PLAINTEXT")]
        }
        var features: [String: ClosedRange<Int16>] = [:]
        if let object = try fields.object("features") {
            for (name, value) in object.pairs {
                guard case .object(let rangePairs) = value else {
                    throw .malformed(path: path, reason: "feature \(name) is not an object")
                }
                let range = JSONFields(pairs: rangePairs, path: path)
                guard let low = Int16(exactly: try range.int("min_version")), let high = Int16(exactly: try range.int("max_version")),
                    low <= high
                else { throw .malformed(path: path, reason: "feature \(name) has an invalid version range") }
                features[name] = low...high
            }
        }
        return BrokerRegistrationZNode(
            id: id, endpoints: endpoints, rack: fields.optionalString("rack"),
            jmxPort: Int32(clamping: try fields.optionalInt("jmx_port") ?? -1),
            timestamp: Int64(fields.optionalString("timestamp") ?? "") ?? 0, features: features)
    }

    /// `NAME://host:port` (IPv6 hosts in brackets) with the protocol from the map (the name itself
    /// when absent, as Kafka's default map is the identity for the standard protocols).
    static func parseEndpoint(_ text: String, protocolMap: [String: String]) -> BrokerEndpoint? {
        guard let scheme = text.range(of: "://") else { return nil }
        let name = String(text[..<scheme.lowerBound])
        let rest = text[scheme.upperBound...]
        guard let colon = rest.lastIndex(of: ":"), let port = Int32(rest[rest.index(after: colon)...]) else { return nil }
        var host = String(rest[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return BrokerEndpoint(listenerName: name, host: host, port: port, securityProtocol: protocolMap[name] ?? name)
    }
}
