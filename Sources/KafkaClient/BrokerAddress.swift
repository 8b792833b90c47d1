/// A `host:port` a client can connect to: a bootstrap server, or a broker endpoint from Metadata.
public struct BrokerAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }

    /// Parses Kafka's `bootstrap.servers` syntax, `host:port[,host:port...]` (the last colon separates
    /// the port, so `[::1]:9092`-style IPv6 literals keep their colons). Spaces around entries are
    /// ignored, as Kafka's `ClientUtils.parseAndValidateAddresses` does.
    public static func parseList(_ text: String) throws(KafkaClientError) -> [BrokerAddress] {
        let entries = text.split(separator: ",").map { $0.trimmingCharacters(in: " \t") }.filter { !$0.isEmpty }
        guard !entries.isEmpty else {
            throw KafkaClientError.invalidBootstrap("no bootstrap server given: expected HOST:PORT[,HOST:PORT...], got '\(text)'")
        }
        return try entries.map { entry throws(KafkaClientError) in
            guard let colon = entry.lastIndex(of: ":"), colon != entry.startIndex,
                let port = Int(entry[entry.index(after: colon)...]), (1...65535).contains(port)
            else {
                throw KafkaClientError.invalidBootstrap(
                    "invalid bootstrap server '\(entry)': expected HOST:PORT with a port in 1...65535")
            }
            var host = String(entry[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            return BrokerAddress(host: host, port: port)
        }
    }
}

extension String {
    /// Drops leading and trailing characters in `set` (Foundation-free trimming).
    func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
