import Foundation

extension LocalCluster {
    /// How long `up --containers` waits for the ensemble, and for each broker, to serve (image
    /// start-up and a JVM per server on a shared machine take longer than processes).
    static let containerReadinessTimeout: Duration = .seconds(180)

    /// Starts `zookeepers` ZooKeeper servers and `brokers` brokers in containers through a compose
    /// file generated into `DIR/docker-compose.yml` (see `ContainerComposeFile`), with the ensemble
    /// first and the brokers once it serves, as process mode does. `engine` (docker or podman)
    /// restricts the choice of compose tool. Ports are published on 127.0.0.1: free ones, or with
    /// `basePort` P, ZooKeeper client ports P..P+N-1 and broker ports P+N..P+N+M-1. Each broker's
    /// directory `DIR/broker-N` is emptied first: the ensemble's volumes are new, so old logs would
    /// belong to another cluster. On failure everything started is removed again.
    @discardableResult
    public func upContainers(zookeepers: Int = 3, brokers: Int = 3, basePort: Int? = nil, engine: String? = nil) throws -> ClusterDescriptor {
        try Self.validateUp(zookeepers: zookeepers, brokers: brokers, basePort: nil)
        if let basePort, basePort < 1024 || basePort + zookeepers + brokers - 1 > 65535 {
            throw LocalClusterError(.invalidArgument, "--base-port \(basePort) leaves no room for \(zookeepers + brokers) ports below 65536 (and must be at least 1024)")
        }
        guard !directory.contains(":") else {
            throw LocalClusterError(.invalidArgument, "a container cluster's directory cannot contain ':' (it is a bind-mount source): \(directory)")
        }
        try createDirectory(directory)
        return try ClusterDirectoryLock.withLock(paths) {
            try refuseIfAnythingRuns()
            let podmanEnvironment = try podmanEnvironment()
            let tool = try ComposeTool.choose(ComposeTool.probe(podmanEnvironment: podmanEnvironment), engine: engine)
            let project = ContainerDeployment.projectName(forDirectory: directory)
            var deployment = ContainerDeployment(
                engine: tool.engine, compose: tool.command, project: project, composeFile: directory + "/docker-compose.yml",
                environment: tool.engine == "podman" ? podmanEnvironment : [:])
            let shell = ContainerEngine(deployment: deployment)
            let images = ContainerImages.resolve(
                environment: ProcessInfo.processInfo.environment,
                dotEnv: try? String(contentsOfFile: FileManager.default.currentDirectoryPath + "/.env", encoding: .utf8))
            for image in [images.zookeeper, images.broker] where !shell.imageExists(image) {
                throw LocalClusterError(
                    .containerCommandFailed,
                    "image \(image) is not in \(tool.engine)'s store; build the images with `bash scripts/build_images.sh` in the "
                        + "repository and run this from there (it reads .env), or set ZKAFKA_ZOOKEEPER_IMAGE and ZKAFKA_BROKER_IMAGE")
            }
            let ports = try basePort.map { Array($0..<($0 + zookeepers + brokers)) }
                ?? FreePortAllocator.reserve(count: zookeepers + brokers)
            let file = ContainerComposeFile(
                project: project, directory: directory, images: images, zookeeperPorts: Array(ports[..<zookeepers]),
                brokerPorts: Array(ports[zookeepers...]), brokerProperties: brokerOverrideProperties())
            try ClusterPortLayout(zookeeper: [], brokers: ports).checkAllFree()
            for id in stride(from: 1, through: brokers, by: 1) {
                try? FileManager.default.removeItem(atPath: file.brokerMount(id))
                try createDirectory(file.brokerMount(id) + "/logs")
            }
            for id in 1...zookeepers { try createDirectory(paths.zookeeperDirectory(id)) }
            try writeFile(deployment.composeFile, file.render())
            var descriptor = containerDescriptor(file, deployment: deployment)
            // Written before anything starts, so `down` can find whatever `up` leaves behind.
            try descriptor.write(to: paths.descriptor)
            do {
                let zookeeperServices = (1...zookeepers).map(ContainerComposeFile.zookeeperService)
                try shell.compose(["up", "-d"] + zookeeperServices)
                for server in descriptor.zookeeper.servers { descriptor.record(.zookeeper(server.id), pid: nil, state: .running) }
                try descriptor.write(to: paths.descriptor)
                try waitUntilContainerEnsembleServes(descriptor, shell: shell)
                deployment.network = shell.inspect(file.zookeeperContainer(1))?.networks.first
                descriptor.containers = deployment
                try descriptor.write(to: paths.descriptor)
                if brokers > 0 {
                    let offsets = (1...brokers).map { Self.fileSize(file.brokerMount($0) + "/broker.log") }
                    try shell.compose(["up", "-d", "--no-deps"] + (1...brokers).map(ContainerComposeFile.brokerService))
                    for id in 1...brokers { descriptor.record(.broker(id), pid: nil, state: .running) }
                    try descriptor.write(to: paths.descriptor)
                    for id in 1...brokers {
                        try waitUntilContainerBrokerStarted(descriptor.brokers[id - 1], shell: shell, logOffset: offsets[id - 1])
                    }
                }
            } catch {
                removeContainers(descriptor)
                descriptor.markAllStopped()
                try? descriptor.write(to: paths.descriptor)
                throw error
            }
            return descriptor
        }
    }

    /// Refuses when `cluster.json` names processes or containers that still run.
    private func refuseIfAnythingRuns() throws {
        guard let existing = try ClusterDescriptor.read(from: paths.descriptor) else { return }
        var live = existing.recordedProcesses.filter { process($0.pid).liveness != .gone }.map { "\($0.member) (pid \($0.pid))" }
        if let deployment = existing.containers {
            let shell = ContainerEngine(deployment: deployment)
            live += existing.containerNames.filter { shell.inspect($0) != nil }
        }
        guard live.isEmpty else {
            throw LocalClusterError(
                .clusterAlreadyRunning,
                "\(directory) already holds a cluster (\(live.joined(separator: ", "))); stop it first with `zkafka cluster down --dir \(directory)`")
        }
    }

    /// Podman reads `DIR/podman-containers.conf` (written here) unless CONTAINERS_CONF is set: runc
    /// when it is installed (crun refuses a hybrid cgroup v1/v2 layout) and open-file and process
    /// limits within a typical machine's hard limits (Podman's defaults may exceed them).
    private func podmanEnvironment() throws -> [String: String] {
        if let configured = ProcessInfo.processInfo.environment["CONTAINERS_CONF"], !configured.isEmpty { return [:] }
        let path = directory + "/podman-containers.conf"
        var text = """
            # Written by `zkafka cluster up --containers` (CONTAINERS_CONF for every podman command it runs).
            [containers]
            default_ulimits = ["nofile=16384:16384", "nproc=16384:16384"]

            """
        if ComposeTool.isOnPath("runc") { text += "\n[engine]\nruntime = \"runc\"\n" }
        try writeFile(path, text)
        return ["CONTAINERS_CONF": path]
    }

    /// The `key=value` lines of `DIR/broker-overrides.properties`, which process mode appends to every
    /// broker's server.properties; containers get them as `--override`s.
    private func brokerOverrideProperties() -> [String] {
        guard let text = try? String(contentsOfFile: paths.brokerOverrides, encoding: .utf8) else { return [] }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") && $0.contains("=") }
    }

    private func containerDescriptor(_ file: ContainerComposeFile, deployment: ContainerDeployment) -> ClusterDescriptor {
        let servers = file.zookeeperPorts.enumerated().map { index, port in
            ClusterDescriptor.ZooKeeperServer(
                id: index + 1, host: "127.0.0.1", clientPort: port, quorumPort: 2888, electionPort: 3888, pid: nil, state: .stopped,
                config: file.directory + "/docker-compose.yml", dataDir: file.zookeeperVolume(index + 1),
                log: paths.zookeeperLog(index + 1), container: file.zookeeperContainer(index + 1))
        }
        let brokers = file.brokerPorts.enumerated().map { index, port in
            ClusterDescriptor.Broker(
                id: index + 1, host: "127.0.0.1", port: port, pid: nil, state: .stopped,
                config: file.directory + "/docker-compose.yml", logDir: file.brokerMount(index + 1) + "/logs",
                log: file.brokerMount(index + 1) + "/broker.log", container: file.brokerContainer(index + 1))
        }
        return ClusterDescriptor(directory: directory, zookeeper: .init(servers: servers), brokers: brokers, containers: deployment)
    }

    private func waitUntilContainerEnsembleServes(_ descriptor: ClusterDescriptor, shell: ContainerEngine) throws {
        let deadline = ContinuousClock.now + Self.containerReadinessTimeout
        var modes: [Int: ZooKeeperServerMode] = [:]
        while ContinuousClock.now < deadline {
            for server in descriptor.zookeeper.servers { modes[server.id] = containerMode(of: server, shell: shell) }
            let status = ClusterStatus(
                directory: directory, connect: descriptor.zookeeper.connect,
                zookeeper: descriptor.zookeeper.servers.map {
                    .init(id: $0.id, clientPort: $0.clientPort, pid: nil, mode: modes[$0.id] ?? .down)
                }, brokers: [])
            if status.isFullyServing { return }
            if let exited = descriptor.zookeeper.servers.first(where: { modes[$0.id] == .down }), let name = exited.container {
                throw LocalClusterError(
                    .serverDidNotComeUp, "zookeeper \(exited.id) (container \(name)) exited during startup\n" + shell.logs(name, tail: 30))
            }
            usleep(500_000)
        }
        let failing = descriptor.zookeeper.servers.filter { !(modes[$0.id]?.isServing ?? false) }
        throw LocalClusterError(
            .serverDidNotComeUp,
            "the ensemble elected no leader within \(Self.containerReadinessTimeout) (modes: "
                + descriptor.zookeeper.servers.map { "\($0.id)=\(modes[$0.id]?.rawValue ?? "?")" }.joined(separator: " ") + ")\n"
                + failing.compactMap(\.container).map { "--- \($0) ---\n" + shell.logs($0, tail: 30) }.joined(separator: "\n"))
    }

    func waitUntilContainerBrokerStarted(_ broker: ClusterDescriptor.Broker, shell: ContainerEngine, logOffset: Int) throws {
        let marker = Self.brokerStartedLine(broker.id)
        let name = broker.container ?? "broker-\(broker.id)"
        let deadline = ContinuousClock.now + Self.containerReadinessTimeout
        var checks = 0
        while ContinuousClock.now < deadline {
            if Self.logContains(broker.log, marker, from: logOffset) { return }
            checks += 1
            if checks % 10 == 0, shell.inspect(name)?.memberState == .stopped {
                throw LocalClusterError(
                    .serverDidNotComeUp, "broker \(broker.id) (container \(name)) exited during startup\n" + shell.logs(name, tail: 30))
            }
            usleep(200_000)
        }
        throw LocalClusterError(
            .serverDidNotComeUp,
            "broker \(broker.id) (container \(name)) did not start within \(Self.containerReadinessTimeout)\n--- last lines of \(broker.log) ---\n"
                + LogTail.read(broker.log))
    }

    /// A container server's mode: the engine's state, then `srvr` through its published port.
    func containerMode(of server: ClusterDescriptor.ZooKeeperServer, shell: ContainerEngine) -> ZooKeeperServerMode {
        guard let name = server.container, let inspection = shell.inspect(name) else { return .down }
        switch inspection.memberState {
        case .stopped: return .down
        case .paused: return .paused
        case .running:
            let answer = FourLetterWordClient.send("srvr", host: server.host, port: server.clientPort)
            return answer.flatMap { SrvrResponse(parsing: $0).mode } ?? .notServing
        }
    }
}

extension ClusterDescriptor {
    /// Every member's container name (empty for a process-mode cluster).
    var containerNames: [String] {
        zookeeper.servers.compactMap(\.container) + brokers.compactMap(\.container)
    }

    mutating func markAllStopped() {
        for server in zookeeper.servers { record(.zookeeper(server.id), pid: nil, state: .stopped) }
        for broker in brokers { record(.broker(broker.id), pid: nil, state: .stopped) }
    }
}
