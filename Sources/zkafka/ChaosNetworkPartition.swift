import ChildProcess
import ChaosTesting
import Foundation

/// The shell of `zkafka chaos`'s `partition-broker` fault: cgroups (v2) to tell the brokers' new sockets apart, `ss`
/// for the open ones, and iptables rules matching both (``NetworkPartitionRules``). Everything it creates is named after the run's process
/// id and removed by ``heal(_:)``.
///
/// Why not a network namespace: a process cannot be moved into another one from outside, so each broker would have
/// to start inside its own, with a veth pair, a bridge and its own address, and the cluster's advertised addresses
/// would change for every client. The cgroup match cuts a broker already running on the shared loopback, restarts
/// included, and only for the length of the fault.
struct ChaosNetworkPartition: Sendable {
    /// Where cgroup v2 is mounted (`/sys/fs/cgroup` on a unified host, `/sys/fs/cgroup/unified` on a hybrid one).
    let hierarchy: String
    let name: String

    init?(runID: Int32 = getpid()) {
        guard let hierarchy = Self.cgroup2Mount() else { return nil }
        self.hierarchy = hierarchy
        self.name = "zkafka-chaos-\(runID)"
    }

    /// Why the fault cannot be injected here, or nil when it can.
    static func unavailableReason() -> String? {
        if getuid() != 0 { return "needs root (iptables and cgroups)" }
        if !FileManager.default.isExecutableFile(atPath: iptables) { return "no \(iptables)" }
        if !FileManager.default.isExecutableFile(atPath: ss) { return "no \(ss)" }
        if cgroup2Mount() == nil { return "no cgroup v2 hierarchy mounted" }
        return nil
    }

    static let iptables = "/usr/sbin/iptables"

    /// Cuts the broker `pid` listening on `port` off from ZooKeeper and from the brokers `peers`: processes into
    /// the cgroups first (new sockets), then the open connections found with `ss` (old sockets), then the rules.
    func cut(broker pid: Int32, port: Int, peers: [Int32]) throws -> NetworkPartitionRules {
        let chain = "ZKCHAOS-\(name.split(separator: "-").last ?? "0")"
        var rules = NetworkPartitionRules(chain: chain, isolatedCgroup: name + "/isolated", peersCgroup: name + "/peers", brokerPort: port)
        do {
            for group in ["", "/isolated", "/peers"] {
                try FileManager.default.createDirectory(atPath: hierarchy + "/" + name + group, withIntermediateDirectories: true)
            }
            try move(pid, to: hierarchy + "/" + name + "/isolated")
            for peer in peers { try move(peer, to: hierarchy + "/" + name + "/peers") }
            let sockets = ProcessSocket.parse(try Self.run(Self.ss, ["-tnpH"]))
            rules = NetworkPartitionRules(
                chain: chain, isolatedCgroup: rules.isolatedCgroup, peersCgroup: rules.peersCgroup, brokerPort: port,
                connections: NetworkPartitionRules.connectionsToCut(sockets, isolated: pid, peers: Set(peers), brokerPort: port))
            for arguments in rules.cut { try Self.run(Self.iptables, arguments) }
        } catch {
            heal(rules)
            throw error
        }
        return rules
    }

    static let ss = "/usr/bin/ss"

    /// Removes the rules, moves the processes back to the root cgroup and removes the run's cgroups. Failures are
    /// ignored: a step may have nothing left to undo.
    func heal(_ rules: NetworkPartitionRules) {
        for arguments in rules.heal { _ = try? Self.run(Self.iptables, arguments) }
        for group in ["/isolated", "/peers"] {
            let procs = (try? String(contentsOfFile: hierarchy + "/" + name + group + "/cgroup.procs", encoding: .utf8)) ?? ""
            for pid in procs.split(separator: "\n").compactMap({ Int32($0) }) { try? move(pid, to: hierarchy) }
            rmdir(hierarchy + "/" + name + group)
        }
        rmdir(hierarchy + "/" + name)
    }

    /// Removes what an interrupted earlier run left behind: `ZKCHAOS-<pid>` chains and `zkafka-chaos-<pid>` cgroups
    /// whose run is no longer alive (a kill during a partition skips its heal).
    static func removeStale() {
        guard unavailableReason() == nil, let listing = try? run(iptables, ["-S"]) else { return }
        for line in listing.split(separator: "\n") where line.hasPrefix("-N ZKCHAOS-") {
            guard let pid = Int32(line.dropFirst("-N ZKCHAOS-".count)), kill(pid, 0) != 0, errno == ESRCH,
                let stale = ChaosNetworkPartition(runID: pid)
            else { continue }
            stale.heal(NetworkPartitionRules(chain: "ZKCHAOS-\(pid)", isolatedCgroup: "", peersCgroup: "", brokerPort: 0))
        }
    }

    private func move(_ pid: Int32, to group: String) throws {
        try "\(pid)\n".write(toFile: group + "/cgroup.procs", atomically: false, encoding: .utf8)
    }

    @discardableResult
    private static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("zkafka-chaos-\(UUID().uuidString.prefix(8))").path
        defer { unlink(base + ".out"); unlink(base + ".err") }
        let status = try ChildProcess.run(
            ChildProcessOptions(
                [executable] + arguments, standardOutput: .file(base + ".out", append: false),
                standardError: .file(base + ".err", append: false)),
            timeout: .seconds(60))
        let text = (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? ""
        guard status == .exited(0) else {
            let message = (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
            throw DemoTimeout(description: "\(executable) \(arguments.joined(separator: " ")) \(status.map { "\($0)" } ?? "did not finish within 60 s"): \(message)")
        }
        return text
    }

    /// The cgroup2 mount point from /proc/mounts.
    private static func cgroup2Mount() -> String? {
        guard let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return nil }
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count >= 3, fields[2] == "cgroup2" { return String(fields[1]) }
        }
        return nil
    }
}
