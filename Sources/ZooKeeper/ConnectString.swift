/// A parsed ZooKeeper connect string, `host1:port1,host2:port2/optional/chroot`, as Kafka's
/// `zookeeper.connect` takes it.
///
/// The C client parses the same syntax; parsing it here too lets a bad value be rejected with a
/// message naming the problem before any connection is attempted, and lets Kafka-style code create
/// the chroot first (Kafka 2.8 `KafkaZkClient.createChrootIfNecessary`).
public struct ConnectString: Sendable, Hashable, CustomStringConvertible {
    public struct Host: Sendable, Hashable {
        public var host: String
        public var port: Int
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    /// ZooKeeper's default client port, used when a host names none (as the Java client does).
    public static let defaultPort = 2181

    public var hosts: [Host]
    /// The chroot path (`/kafka`), or nil when the client works from the root.
    public var chroot: String?

    public init(hosts: [Host], chroot: String? = nil) {
        self.hosts = hosts
        self.chroot = chroot
    }

    /// Parses `text`, throwing a ``ConnectStringError`` that names what is wrong.
    public init(parsing text: String) throws(ConnectStringError) {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw .empty }
        var hostPart = Substring(trimmed)
        var chroot: String?
        if let slash = trimmed.firstIndex(of: "/") {
            hostPart = trimmed[..<slash]
            let path = String(trimmed[slash...])
            if path != "/" {
                guard !path.hasSuffix("/"), !path.contains("//") else { throw .invalidChroot(path) }
                chroot = path
            }
        }
        var hosts: [Host] = []
        for entry in hostPart.split(separator: ",", omittingEmptySubsequences: false) {
            let item = String(entry).trimmingWhitespace()
            guard !item.isEmpty else { throw .emptyHost(trimmed) }
            if let colon = item.lastIndex(of: ":"), !item.hasSuffix("]") {
                let name = String(item[..<colon])
                let portText = String(item[item.index(after: colon)...])
                guard let port = Int(portText), (1...65535).contains(port) else { throw .invalidPort(item) }
                guard !name.isEmpty else { throw .emptyHost(item) }
                hosts.append(Host(host: name, port: port))
            } else {
                hosts.append(Host(host: item, port: Self.defaultPort))
            }
        }
        self.init(hosts: hosts, chroot: chroot)
    }

    /// The host list alone, without the chroot.
    public var hostList: String { hosts.map { "\($0.host):\($0.port)" }.joined(separator: ",") }

    public var description: String { hostList + (chroot ?? "") }
}

/// Why a connect string was rejected.
public enum ConnectStringError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case emptyHost(String)
    case invalidPort(String)
    case invalidChroot(String)

    public var description: String {
        switch self {
        case .empty: "ZooKeeper connect string is empty (expected host:port[,host:port...][/chroot])"
        case .emptyHost(let text): "ZooKeeper connect string has an empty host in '\(text)'"
        case .invalidPort(let text): "ZooKeeper connect string has an invalid port in '\(text)' (expected 1-65535)"
        case .invalidChroot(let path):
            "ZooKeeper connect string has an invalid chroot '\(path)' (no trailing or double slashes)"
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
