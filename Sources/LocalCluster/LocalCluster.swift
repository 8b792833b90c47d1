import Foundation

/// A ZooKeeper ensemble (and, once they exist, brokers) running as background processes on
/// 127.0.0.1, described by `DIR/cluster.json`. Every operation is synchronous and re-reads the
/// descriptor, so separate `zkafka cluster` invocations and in-process callers (tests,
/// benchmarks) can drive the same directory. Processes outlive the caller until `down()`.
public struct LocalCluster: Sendable {
    /// The absolute cluster directory.
    public let directory: String
    let paths: ClusterPaths

    /// How long `up` and `start` wait for servers to serve.
    static let readinessTimeout: Duration = .seconds(60)
    /// How long a SIGTERM'd process gets before SIGKILL. A broker uses it for controlled shutdown
    /// (up to `controlled.shutdown.max.retries` rounds with the controller), so it is generous.
    static let terminationGrace: Duration = .seconds(30)

    public init(directory: String) {
        let absolute = URL(
            fileURLWithPath: directory,
            relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        )
        self.directory = absolute.standardizedFileURL.path
        self.paths = ClusterPaths(directory: self.directory)
    }

    /// Reads `DIR/cluster.json`.
    public func descriptor() throws -> ClusterDescriptor {
        guard let descriptor = try ClusterDescriptor.read(from: paths.descriptor) else {
            throw LocalClusterError(
                .noCluster, "no cluster in \(directory) (no cluster.json); start one with `zkafka cluster up --dir \(directory)`")
        }
        return descriptor
    }

    public func status() throws -> ClusterStatus {
        let descriptor = try descriptor()
        if let deployment = descriptor.containers { return containerStatus(descriptor, deployment) }
        return ClusterStatus(
            mode: descriptor.mode,
            directory: directory,
            connect: descriptor.clusterMode == .kraft ? descriptor.quorumVoters : descriptor.zookeeper.connect,
            zookeeper: descriptor.zookeeper.servers.map { server in
                let mode = observedMode(of: server)
                return .init(id: server.id, clientPort: server.clientPort, pid: mode == .down ? nil : server.pid, mode: mode)
            },
            controllers: descriptor.controllers.map { controller in
                let quorum = observedQuorumRole(of: controller)
                return .init(id: controller.id, port: controller.port, pid: quorum == .down ? nil : controller.pid, quorum: quorum)
            },
            brokers: descriptor.brokers.map { broker in
                let state = observedState(pid: broker.pid)
                return .init(id: broker.id, port: broker.port, pid: state == .stopped ? nil : broker.pid, state: state)
            }
        )
    }

    /// Stops every recorded process: SIGTERM, then SIGKILL for any still there after the grace
    /// period. Brokers go first so they could still deregister from a live ensemble or quorum (a KRaft
    /// broker's controlled shutdown goes through the active controller), then KRaft controllers, then
    /// ZooKeeper servers. Data stays on disk. A directory without a cluster, or a cluster already
    /// down, is not an error.
    /// A cluster in containers is removed instead: `compose down -v` (containers, network and the
    /// ensemble's volumes); the brokers' bind-mounted directories stay until the next `up`.
    public func down() throws {
        guard FileManager.default.fileExists(atPath: paths.descriptor) else { return }
        try ClusterDirectoryLock.withLock(paths) {
            guard var descriptor = try ClusterDescriptor.read(from: paths.descriptor) else { return }
            if descriptor.containers != nil {
                try containerDown(&descriptor)
                return
            }
            let brokers = descriptor.recordedProcesses.filter { if case .broker = $0.member { true } else { false } }
            let controllers = descriptor.recordedProcesses.filter { if case .controller = $0.member { true } else { false } }
            let servers = descriptor.recordedProcesses.filter { if case .zookeeper = $0.member { true } else { false } }
            var failures: [String] = []
            for group in [brokers, controllers, servers] {
                let processes = group.map { (member: $0.member, process: process($0.pid)) }
                for (_, process) in processes { terminate(process) }
                for (member, process) in processes {
                    if process.waitUntilGone(timeout: Self.terminationGrace) { continue }
                    process.send(SIGKILL)
                    if !process.waitUntilGone(timeout: .seconds(5)) { failures.append("\(member) (pid \(process.pid))") }
                }
            }
            for (member, _) in descriptor.recordedProcesses { descriptor.record(member, pid: nil, state: .stopped) }
            try descriptor.write(to: paths.descriptor)
            guard failures.isEmpty else {
                throw LocalClusterError(.processDidNotStop, "these did not stop even after SIGKILL: \(failures.joined(separator: ", "))")
            }
        }
    }

    // MARK: - Shared by the operations

    func process(_ pid: Int32) -> OwnedProcess {
        // The trailing slash keeps /tmp/c from matching processes of /tmp/c2.
        OwnedProcess(pid: pid, marker: directory + "/")
    }

    /// SIGTERM, plus SIGCONT for a paused process, which would otherwise never handle the SIGTERM.
    func terminate(_ process: OwnedProcess) {
        let wasPaused = process.liveness == .paused
        process.send(SIGTERM)
        if wasPaused { process.send(SIGCONT) }
    }

    func observedMode(of server: ClusterDescriptor.ZooKeeperServer) -> ZooKeeperServerMode {
        guard let pid = server.pid else { return .down }
        switch process(pid).liveness {
        case .gone: return .down
        case .paused: return .paused
        case .running:
            let answer = FourLetterWordClient.send("srvr", host: server.host, port: server.clientPort)
            return answer.flatMap { SrvrResponse(parsing: $0).mode } ?? .notServing
        }
    }

    /// A controller's Raft role from its own log (see `KRaftQuorumRole`), or paused/down from the process table.
    func observedQuorumRole(of controller: ClusterDescriptor.Controller) -> KRaftQuorumRole {
        guard let pid = controller.pid else { return .down }
        switch process(pid).liveness {
        case .gone: return .down
        case .paused: return .paused
        case .running: return KRaftQuorumRole.latest(inLog: LogTail.read(controller.log, lines: 400))
        }
    }

    func observedState(pid: Int32?) -> MemberState {
        guard let pid else { return .stopped }
        switch process(pid).liveness {
        case .gone: return .stopped
        case .paused: return .paused
        case .running: return .running
        }
    }
}
