/// One listener endpoint, `NAME://host:port` as in Kafka's `listeners` (`EndPoint.createEndPoint`).
public struct Listener: Sendable, Hashable, CustomStringConvertible {
    /// The listener name (`PLAINTEXT`, `INTERNAL`, ...), upper-cased as Kafka normalises it.
    public var name: String
    /// Empty means "all interfaces" (`0.0.0.0`) when binding; Kafka advertises the canonical host name then.
    public var host: String
    public var port: Int
    /// The security protocol from `listener.security.protocol.map`.
    public var securityProtocol: String

    public init(name: String, host: String, port: Int, securityProtocol: String) {
        self.name = name
        self.host = host
        self.port = port
        self.securityProtocol = securityProtocol
    }

    /// `PLAINTEXT://127.0.0.1:9092`, as Kafka writes endpoints into `/brokers/ids/<id>`.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(name)://\(shownHost):\(port)"
    }

    /// Parses a comma-separated listener list for `key`, resolving each listener's security protocol.
    static func parseList(_ text: String, key: String, protocolMap: [String: String]) throws(ConfigError) -> [Listener] {
        var listeners: [Listener] = []
        for item in text.split(separator: ",").map({ String($0).trimmingCharacters() }) where !item.isEmpty {
            guard let schemeEnd = item.range(of: "://") else {
                throw .invalidValue(key: key, value: text, reason: "'\(item)' is not of the form NAME://host:port")
            }
            let name = String(item[..<schemeEnd.lowerBound]).uppercased()
            var rest = String(item[schemeEnd.upperBound...])
            var host: String
            if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]") else {
                    throw .invalidValue(key: key, value: text, reason: "unterminated IPv6 address in '\(item)'")
                }
                host = String(rest[rest.index(after: rest.startIndex)..<close])
                rest = String(rest[rest.index(after: close)...])
                guard rest.hasPrefix(":") else {
                    throw .invalidValue(key: key, value: text, reason: "no port in '\(item)'")
                }
                rest.removeFirst()
            } else {
                guard let colon = rest.lastIndex(of: ":") else {
                    throw .invalidValue(key: key, value: text, reason: "no port in '\(item)'")
                }
                host = String(rest[..<colon])
                rest = String(rest[rest.index(after: colon)...])
            }
            guard let port = Int(rest), (0...65535).contains(port) else {
                throw .invalidValue(key: key, value: text, reason: "invalid port '\(rest)' in '\(item)' (expected 0-65535)")
            }
            guard let securityProtocol = protocolMap[name] else {
                throw .invalidValue(
                    key: key, value: text,
                    reason: "listener name \(name) has no security protocol in listener.security.protocol.map")
            }
            guard !listeners.contains(where: { $0.name == name }) else {
                throw .invalidValue(key: key, value: text, reason: "listener name \(name) appears more than once")
            }
            if host == "0.0.0.0" && key == "advertised.listeners" {
                throw .invalidValue(key: key, value: text, reason: "0.0.0.0 cannot be advertised; name a reachable host")
            }
            listeners.append(Listener(name: name, host: host, port: port, securityProtocol: securityProtocol))
        }
        guard !listeners.isEmpty else { throw .invalidValue(key: key, value: text, reason: "no listener given") }
        return listeners
    }
}

extension String {
    func trimmingCharacters() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
