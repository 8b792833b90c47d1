/// One entry of `controller.quorum.voters`, `id@host:port` (Kafka 3.3's
/// `RaftConfig.parseVoterConnections`).
public struct QuorumVoter: Sendable, Hashable, CustomStringConvertible {
    public var id: Int32
    public var host: String
    public var port: Int

    public init(id: Int32, host: String, port: Int) {
        self.id = id
        self.host = host
        self.port = port
    }

    /// `1@127.0.0.1:9093`, as the property spells it.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(id)@\(shownHost):\(port)"
    }

    /// Parses the whole property. Kafka's messages for each malformed part are kept; a voter id
    /// listed twice is rejected too (Kafka's map would silently keep the last one).
    static func parseList(_ text: String) throws(ConfigError) -> [QuorumVoter] {
        let key = "controller.quorum.voters"
        var voters: [QuorumVoter] = []
        for entry in text.split(separator: ",").map({ String($0).trimmingCharacters() }) where !entry.isEmpty {
            let idAndAddress = entry.split(separator: "@", omittingEmptySubsequences: false)
            guard idAndAddress.count == 2 else {
                throw .invalidValue(key: key, value: text, reason: "Each entry should be in the form `{id}@{host}:{port}`; got '\(entry)'")
            }
            guard let id = Int32(idAndAddress[0]), id >= 0 else {
                throw .invalidValue(key: key, value: text, reason: "Failed to parse voter ID as an integer from \(idAndAddress[0])")
            }
            let address = String(idAndAddress[1])
            guard let colon = address.lastIndex(of: ":") else {
                throw .invalidValue(key: key, value: text, reason: "Failed to parse host port from entry \(entry)")
            }
            var host = String(address[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else {
                throw .invalidValue(key: key, value: text, reason: "Failed to parse host name from entry \(entry)")
            }
            guard let port = Int(address[address.index(after: colon)...]), (1...65_535).contains(port) else {
                throw .invalidValue(key: key, value: text, reason: "Failed to parse host port from entry \(entry)")
            }
            guard !voters.contains(where: { $0.id == id }) else {
                throw .invalidValue(key: key, value: text, reason: "voter id \(id) appears more than once")
            }
            voters.append(QuorumVoter(id: id, host: host, port: port))
        }
        return voters
    }
}
