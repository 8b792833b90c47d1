/// The packet filter rules that cut one broker off from ZooKeeper and from its peers on a single machine, where every
/// process shares the loopback interface (the pure half of `zkafka chaos`'s `partition-broker` fault).
///
/// Processes, not addresses, are what must be told apart: the isolated broker's connections to ZooKeeper and to
/// other brokers leave from ephemeral ports like everyone else's. Two kinds of rules, in the OUTPUT chain (on
/// loopback every packet is locally generated):
///
/// - Connections open when the partition starts, found with `ss -tnp` (``ProcessSocket``): the isolated broker's
///   own (to ZooKeeper, to the leaders it fetches from, the controller channel) and the other brokers' connections to
///   its listener port are dropped both ways by their port pair, so they hang as over a cut cable.
/// - New connections: a socket belongs to the cgroup its process was in when it was created, so the run moves the
///   isolated broker into one cgroup (v2) and the other brokers into another and matches with `cgroup --path`: the
///   isolated broker sends nothing but from its listener port, the others send nothing to that port.
///
/// Clients (the producer) are in neither and still reach the isolated broker, as in Jepsen's Kafka analysis: a deposed
/// leader keeps taking acks=all writes it can no longer commit. The rules live in a chain of their own, jumped to
/// from OUTPUT, so healing removes exactly them.
public struct NetworkPartitionRules: Sendable, Hashable {
    public let chain: String
    /// cgroup v2 paths relative to the hierarchy's root, as `iptables -m cgroup --path` takes them.
    public let isolatedCgroup: String
    public let peersCgroup: String
    public let brokerPort: Int
    /// Open connections to cut, as (one end's port, the other end's port).
    public let connections: [PortPair]

    public struct PortPair: Sendable, Hashable {
        public var local: Int
        public var remote: Int
        public init(local: Int, remote: Int) {
            self.local = local
            self.remote = remote
        }
    }

    public init(chain: String, isolatedCgroup: String, peersCgroup: String, brokerPort: Int, connections: [PortPair] = []) {
        self.chain = chain
        self.isolatedCgroup = isolatedCgroup
        self.peersCgroup = peersCgroup
        self.brokerPort = brokerPort
        self.connections = connections
    }

    /// The open connections to cut: the isolated broker's own (not those accepted on its listener port: clients'
    /// stay) and the peers' connections to its listener port.
    public static func connectionsToCut(
        _ sockets: [ProcessSocket], isolated: Int32, peers: Set<Int32>, brokerPort: Int
    ) -> [PortPair] {
        var pairs: [PortPair] = []
        for socket in sockets {
            let ownedByIsolated = socket.pids.contains(isolated) && socket.localPort != brokerPort
            let peerToIsolated = !peers.isDisjoint(with: socket.pids) && socket.remotePort == brokerPort
            if ownedByIsolated || peerToIsolated {
                let pair = PortPair(local: socket.localPort, remote: socket.remotePort)
                if !pairs.contains(pair) { pairs.append(pair) }
            }
        }
        return pairs
    }

    /// `iptables` argument lists, in order, that cut the broker off.
    public var cut: [[String]] {
        var rules = [
            ["-N", chain],
            ["-A", chain, "-p", "tcp", "-m", "cgroup", "--path", isolatedCgroup, "!", "--sport", String(brokerPort), "-j", "DROP"],
            ["-A", chain, "-p", "tcp", "-m", "cgroup", "--path", peersCgroup, "--dport", String(brokerPort), "-j", "DROP"],
        ]
        for pair in connections {
            rules.append(["-A", chain, "-p", "tcp", "--sport", String(pair.local), "--dport", String(pair.remote), "-j", "DROP"])
            rules.append(["-A", chain, "-p", "tcp", "--sport", String(pair.remote), "--dport", String(pair.local), "-j", "DROP"])
        }
        rules.append(["-I", "OUTPUT", "-j", chain])
        return rules
    }

    /// `iptables` argument lists, in order, that heal the partition (each may fail harmlessly if already gone).
    public var heal: [[String]] {
        [["-D", "OUTPUT", "-j", chain], ["-F", chain], ["-X", chain]]
    }
}

/// One TCP socket as `ss -tnpH` lists it: its ports on loopback and the processes holding it.
public struct ProcessSocket: Sendable, Hashable {
    public var localPort: Int
    public var remotePort: Int
    public var pids: Set<Int32>

    public init(localPort: Int, remotePort: Int, pids: Set<Int32>) {
        self.localPort = localPort
        self.remotePort = remotePort
        self.pids = pids
    }

    /// Parses `ss -tnpH` output (`ESTAB 0 0 127.0.0.1:46221 127.0.0.1:35144 users:(("zkafka",pid=24231,fd=5))`);
    /// lines without ports or processes are skipped.
    public static func parse(_ output: String) -> [ProcessSocket] {
        output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6,
                let local = fields[3].split(separator: ":").last.flatMap({ Int($0) }),
                let remote = fields[4].split(separator: ":").last.flatMap({ Int($0) })
            else { return nil }
            var pids: Set<Int32> = []
            for part in line.split(separator: ",") where part.hasPrefix("pid=") {
                if let pid = Int32(part.dropFirst(4)) { pids.insert(pid) }
            }
            return pids.isEmpty ? nil : ProcessSocket(localPort: local, remotePort: remote, pids: pids)
        }
    }
}
