import Foundation

extension LocalCluster {
    /// The ensemble sizes `up` accepts; larger ensembles only slow a single machine down.
    public static let zookeeperCountRange = 1...9

    /// Checks `up`'s arguments before anything is started or written.
    public static func validateUp(zookeepers: Int, brokers: Int, basePort: Int?) throws {
        guard zookeeperCountRange.contains(zookeepers) else {
            throw LocalClusterError(
                .invalidArgument,
                "--zookeepers must be between \(zookeeperCountRange.lowerBound) and \(zookeeperCountRange.upperBound), not \(zookeepers)")
        }
        guard brokers >= 0 else {
            throw LocalClusterError(.invalidArgument, "--brokers must not be negative, not \(brokers)")
        }
        if let basePort {
            _ = try ClusterPortLayout.deterministic(basePort: basePort, zookeepers: zookeepers, brokers: brokers)
        }
    }

    /// Starts `zookeepers` servers (ids 1...N) and returns once one of them leads and all the
    /// others follow (a single server: once it serves standalone). Without `basePort`, free ports
    /// are chosen; with it, `ClusterPortLayout` describes the layout. On failure everything
    /// started is stopped again and the error carries the tail of each failing server's log.
    @discardableResult
    public func up(zookeepers: Int = 3, brokers: Int = 0, basePort: Int? = nil) throws -> ClusterDescriptor {
        try Self.validateUp(zookeepers: zookeepers, brokers: brokers, basePort: basePort)
        if let existing = try? ClusterDescriptor.read(from: paths.descriptor), existing.clusterMode == .kraft {
            throw LocalClusterError(
                .invalidArgument, "\(directory) holds a KRaft-mode cluster; start it with `zkafka cluster up --mode kraft` or use another --dir")
        }
        let installation = try ZooKeeperInstallation.locate()
        try createDirectory(directory)
        return try ClusterDirectoryLock.withLock(paths) {
            try refuseIfRunning()
            let layout = try basePort.map {
                try ClusterPortLayout.deterministic(basePort: $0, zookeepers: zookeepers, brokers: brokers)
            } ?? ClusterPortLayout.allocate(zookeepers: zookeepers, brokers: brokers)
            try layout.checkAllFree()

            var descriptor = try prepareZooKeeperServers(layout)
            do {
                for server in descriptor.zookeeper.servers {
                    let pid = try DetachedProcessLauncher.spawn(
                        arguments: installation.serverArguments(configPath: server.config), logPath: server.log)
                    descriptor.record(.zookeeper(server.id), pid: pid, state: .running)
                }
                // Written before waiting, so `down` can find the processes whatever happens next.
                try descriptor.write(to: paths.descriptor)
                try waitUntilEnsembleServes(descriptor)
                // Brokers start once the ensemble has a leader, as a real deployment would.
                let plans = layout.brokers.enumerated().map { index, port in
                    BrokerLaunchPlan(id: index + 1, port: port, zookeeperConnect: descriptor.zookeeper.connect, paths: paths)
                }
                try launchBrokers(plans, into: &descriptor)
            } catch {
                stopAfterFailedStart(&descriptor)
                throw error
            }
            return descriptor
        }
    }

    func refuseIfRunning() throws {
        guard let existing = try ClusterDescriptor.read(from: paths.descriptor) else { return }
        let live = existing.recordedProcesses.filter { process($0.pid).liveness != .gone }
        guard live.isEmpty else {
            let members = live.map { "\($0.member) (pid \($0.pid))" }.joined(separator: ", ")
            throw LocalClusterError(
                .clusterAlreadyRunning,
                "\(directory) already holds a running cluster (\(members)); stop it first with `zkafka cluster down --dir \(directory)`")
        }
    }

    /// Writes each server's directories, `myid` and `zoo.cfg`, and returns the descriptor with
    /// every server still stopped. Existing data directories are kept, so znodes survive down/up.
    private func prepareZooKeeperServers(_ layout: ClusterPortLayout) throws -> ClusterDescriptor {
        let host = "127.0.0.1"
        let peers = layout.zookeeper.enumerated().map { index, ports in
            ZooKeeperServerConfig.Peer(id: index + 1, host: host, quorumPort: ports.quorum, electionPort: ports.election)
        }
        var servers: [ClusterDescriptor.ZooKeeperServer] = []
        for (index, ports) in layout.zookeeper.enumerated() {
            let id = index + 1
            try createDirectory(paths.zookeeperDataDir(id))
            try writeFile(paths.zookeeperDataDir(id) + "/myid", "\(id)\n")
            let config = ZooKeeperServerConfig(
                dataDir: paths.zookeeperDataDir(id), clientPort: ports.client, host: host, peers: peers)
            try writeFile(paths.zookeeperConfig(id), config.render())
            servers.append(
                .init(
                    id: id, host: host, clientPort: ports.client, quorumPort: ports.quorum,
                    electionPort: ports.election, pid: nil, state: .stopped,
                    config: paths.zookeeperConfig(id), dataDir: paths.zookeeperDataDir(id),
                    log: paths.zookeeperLog(id)))
        }
        return ClusterDescriptor(directory: directory, zookeeper: .init(servers: servers), brokers: [])
    }

    private func waitUntilEnsembleServes(_ descriptor: ClusterDescriptor) throws {
        let deadline = ContinuousClock.now + Self.readinessTimeout
        var modes: [Int: ZooKeeperServerMode] = [:]
        while ContinuousClock.now < deadline {
            for server in descriptor.zookeeper.servers { modes[server.id] = observedMode(of: server) }
            if let exited = descriptor.zookeeper.servers.first(where: { modes[$0.id] == .down }) {
                throw serverDidNotComeUp([exited], reason: "zookeeper \(exited.id) exited during startup")
            }
            let status = ClusterStatus(
                directory: directory, connect: descriptor.zookeeper.connect,
                zookeeper: descriptor.zookeeper.servers.map {
                    .init(id: $0.id, clientPort: $0.clientPort, pid: $0.pid, mode: modes[$0.id] ?? .down)
                }, brokers: [])
            if status.isFullyServing { return }
            usleep(200_000)
        }
        let failing = descriptor.zookeeper.servers.filter { !(modes[$0.id]?.isServing ?? false) }
        throw serverDidNotComeUp(
            failing.isEmpty ? descriptor.zookeeper.servers : failing,
            reason: "the ensemble elected no leader within \(Self.readinessTimeout) (modes: "
                + descriptor.zookeeper.servers.map { "\($0.id)=\(modes[$0.id]?.rawValue ?? "?")" }.joined(separator: " ")
                + ")")
    }

    func serverDidNotComeUp(_ servers: [ClusterDescriptor.ZooKeeperServer], reason: String) -> LocalClusterError {
        let tails = servers.map { "--- last lines of \($0.log) ---\n" + LogTail.read($0.log) }
        return LocalClusterError(.serverDidNotComeUp, ([reason] + tails).joined(separator: "\n"))
    }

    /// Kills whatever a failed `up` started and records it as stopped.
    func stopAfterFailedStart(_ descriptor: inout ClusterDescriptor) {
        for (member, pid) in descriptor.recordedProcesses {
            let process = process(pid)
            process.send(SIGKILL)
            _ = process.waitUntilGone(timeout: .seconds(5))
            descriptor.record(member, pid: nil, state: .stopped)
        }
        try? descriptor.write(to: paths.descriptor)
    }

    func createDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw LocalClusterError(.fileSystem, "cannot create directory \(path): \(error)")
        }
    }

    func writeFile(_ path: String, _ contents: String) throws {
        do {
            try contents.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw LocalClusterError(.fileSystem, "cannot write \(path): \(error)")
        }
    }
}
