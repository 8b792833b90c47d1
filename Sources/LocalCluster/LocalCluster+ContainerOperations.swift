import Foundation

/// `status`, `kill`, `start`, `down`, `partition` and `heal` for a cluster in containers: the same
/// meanings as for processes, through the container engine. KILL is `kill --signal KILL` of the
/// container, TERM `stop` (the broker, process 1, gets SIGTERM and shuts down cleanly), STOP and CONT
/// `pause` and `unpause` (the cgroup freezer: the server holds its sockets and session but runs no
/// code, like SIGSTOP), start `start` of the same container with its data.
extension LocalCluster {
    func containerStatus(_ descriptor: ClusterDescriptor, _ deployment: ContainerDeployment) -> ClusterStatus {
        let shell = ContainerEngine(deployment: deployment)
        return ClusterStatus(
            directory: directory, connect: descriptor.zookeeper.connect,
            zookeeper: descriptor.zookeeper.servers.map { server in
                var status = ClusterStatus.ZooKeeperServerStatus(
                    id: server.id, clientPort: server.clientPort, pid: nil, mode: containerMode(of: server, shell: shell))
                status.container = server.container
                status.partitioned = isPartitioned(server.container, deployment: deployment, shell: shell)
                return status
            },
            brokers: descriptor.brokers.map { broker in
                let inspection = broker.container.flatMap(shell.inspect)
                var status = ClusterStatus.BrokerStatus(
                    id: broker.id, port: broker.port, pid: nil, state: inspection?.memberState ?? .stopped)
                status.container = broker.container
                status.partitioned = isPartitioned(broker.container, deployment: deployment, shell: shell)
                return status
            })
    }

    /// nil for a container that is not running; otherwise whether it left the compose network.
    private func isPartitioned(_ container: String?, deployment: ContainerDeployment, shell: ContainerEngine) -> Bool? {
        guard let container, let network = deployment.network, let inspection = shell.inspect(container),
            inspection.memberState != .stopped
        else { return nil }
        return !inspection.networks.contains(network)
    }

    func containerKill(_ member: ClusterMember, signal: ClusterSignal, descriptor: inout ClusterDescriptor, deployment: ContainerDeployment) throws {
        let shell = ContainerEngine(deployment: deployment)
        let name = try containerName(of: member, in: descriptor)
        guard let inspection = shell.inspect(name), inspection.memberState != .stopped else {
            descriptor.record(member, pid: nil, state: .stopped)
            try descriptor.write(to: paths.descriptor)
            throw LocalClusterError(
                .memberNotRunning, "\(member) (container \(name)) is not running; start it with `zkafka cluster start --dir \(directory) \(memberOption(member))`")
        }
        switch signal {
        case .kill:
            if inspection.memberState == .paused { try shell.checkedEngine(["unpause", name]) }
            try shell.checkedEngine(["kill", "--signal", "KILL", name])
            try waitForContainer(name, shell: shell, toBe: .stopped)
            descriptor.record(member, pid: nil, state: .stopped)
        case .term:
            if inspection.memberState == .paused { try shell.checkedEngine(["unpause", name]) }
            // The grace period of process mode's SIGTERM, then the engine sends SIGKILL itself.
            let grace = Int(Self.terminationGrace.components.seconds)
            try shell.checkedEngine(["stop", "--time", "\(grace)", name], timeout: Self.terminationGrace + .seconds(60))
            descriptor.record(member, pid: nil, state: .stopped)
        case .stop:
            if inspection.memberState != .paused { try shell.checkedEngine(["pause", name]) }
            descriptor.record(member, pid: nil, state: .paused)
        case .cont:
            if inspection.memberState == .paused { try shell.checkedEngine(["unpause", name]) }
            descriptor.record(member, pid: nil, state: .running)
        }
        try descriptor.write(to: paths.descriptor)
    }

    func containerStart(_ member: ClusterMember, descriptor: inout ClusterDescriptor, deployment: ContainerDeployment) throws {
        let shell = ContainerEngine(deployment: deployment)
        let name = try containerName(of: member, in: descriptor)
        guard let inspection = shell.inspect(name) else {
            throw LocalClusterError(
                .memberNotRunning, "container \(name) of \(member) no longer exists (was the cluster taken down?); start a new cluster with `zkafka cluster up --containers --dir \(directory)`")
        }
        if inspection.memberState != .stopped {
            throw LocalClusterError(
                .memberAlreadyRunning,
                "\(member) (container \(name)) is already running"
                    + (inspection.memberState == .paused ? "; it is paused: resume it with `zkafka cluster kill --dir \(directory) \(memberOption(member)) --signal CONT`" : ""))
        }
        switch member {
        case .broker(let id):
            guard let broker = descriptor.brokers.first(where: { $0.id == id }) else { throw unknown(member) }
            let offset = Self.fileSize(broker.log)
            try shell.checkedEngine(["start", name])
            descriptor.record(member, pid: nil, state: .running)
            try descriptor.write(to: paths.descriptor)
            try waitUntilContainerBrokerStarted(broker, shell: shell, logOffset: offset)
        case .zookeeper(let id):
            guard let server = descriptor.zookeeper.servers.first(where: { $0.id == id }) else { throw unknown(member) }
            try shell.checkedEngine(["start", name])
            descriptor.record(member, pid: nil, state: .running)
            try descriptor.write(to: paths.descriptor)
            let deadline = ContinuousClock.now + Self.containerReadinessTimeout
            while !containerMode(of: server, shell: shell).isServing {
                guard ContinuousClock.now < deadline else {
                    throw LocalClusterError(
                        .serverDidNotComeUp,
                        "zookeeper \(id) (container \(name)) did not serve within \(Self.containerReadinessTimeout); it is left running "
                            + "(it needs a quorum of the other servers up)\n" + shell.logs(name, tail: 30))
                }
                usleep(500_000)
            }
        case .controller:
            throw LocalClusterError(.invalidArgument, "containers run ZooKeeper mode only: the cluster in \(directory) has no controllers")
        }
    }

    /// Disconnects (`partition`) or reconnects (`heal`) a member's container from the compose
    /// network: the process keeps running but no other member reaches it, nor it them; its
    /// ZooKeeper session expires and the controller treats it as dead. Reconnecting restores the
    /// service name as a network alias, which is how the others resolve it.
    func containerNetwork(_ member: ClusterMember, connect: Bool, descriptor: inout ClusterDescriptor, deployment: ContainerDeployment) throws {
        let shell = ContainerEngine(deployment: deployment)
        let name = try containerName(of: member, in: descriptor)
        guard let network = deployment.network else {
            throw LocalClusterError(.containerCommandFailed, "cluster.json records no compose network for \(directory); was `up` interrupted?")
        }
        guard let inspection = shell.inspect(name), inspection.memberState != .stopped else {
            throw LocalClusterError(.memberNotRunning, "\(member) (container \(name)) is not running")
        }
        let connected = inspection.networks.contains(network)
        if connect && !connected {
            let alias = Self.serviceName(member)
            try shell.checkedEngine(["network", "connect", "--alias", alias, network, name])
        } else if !connect && connected {
            try shell.checkedEngine(["network", "disconnect", network, name])
        }
        switch member {
        case .zookeeper(let id):
            if let index = descriptor.zookeeper.servers.firstIndex(where: { $0.id == id }) {
                descriptor.zookeeper.servers[index].partitioned = connect ? nil : true
            }
        case .broker(let id):
            if let index = descriptor.brokers.firstIndex(where: { $0.id == id }) {
                descriptor.brokers[index].partitioned = connect ? nil : true
            }
        case .controller(let id):
            if let index = descriptor.controllers.firstIndex(where: { $0.id == id }) {
                descriptor.controllers[index].partitioned = connect ? nil : true
            }
        }
        try descriptor.write(to: paths.descriptor)
    }

    /// `compose down -v`, then removal by name of any container, volume or network it left (older
    /// podman-compose leaves the network). Each ZooKeeper server's output is saved to its `log`
    /// first, since it lives only in the container; the brokers' is already in `DIR/broker-N/broker.log`.
    func removeContainers(_ descriptor: ClusterDescriptor) {
        guard let deployment = descriptor.containers else { return }
        let shell = ContainerEngine(deployment: deployment)
        for server in descriptor.zookeeper.servers {
            guard let name = server.container, shell.inspect(name) != nil else { continue }
            try? shell.logs(name).write(toFile: server.log, atomically: true, encoding: .utf8)
        }
        _ = try? ContainerCommandRunner.run(
            deployment.composeArguments(["down", "-v", "--timeout", "\(Int(Self.terminationGrace.components.seconds))"]),
            environment: deployment.environment, timeout: .seconds(300))
        let leftover = descriptor.containerNames.filter { shell.inspect($0) != nil }
        if !leftover.isEmpty { _ = try? shell.engine(["rm", "--force"] + leftover, timeout: .seconds(120)) }
        let volumes = descriptor.zookeeper.servers.map(\.dataDir)
        let existing = volumes.filter { (try? shell.engine(["volume", "inspect", $0], timeout: .seconds(30)))?.succeeded ?? false }
        if !existing.isEmpty { _ = try? shell.engine(["volume", "rm", "--force"] + existing, timeout: .seconds(120)) }
        if let network = deployment.network, (try? shell.engine(["network", "inspect", network], timeout: .seconds(30)))?.succeeded ?? false {
            _ = try? shell.engine(["network", "rm", network], timeout: .seconds(60))
        }
    }

    func containerDown(_ descriptor: inout ClusterDescriptor) throws {
        guard let deployment = descriptor.containers else { return }
        removeContainers(descriptor)
        descriptor.markAllStopped()
        for index in descriptor.zookeeper.servers.indices { descriptor.zookeeper.servers[index].partitioned = nil }
        for index in descriptor.brokers.indices { descriptor.brokers[index].partitioned = nil }
        try descriptor.write(to: paths.descriptor)
        let shell = ContainerEngine(deployment: deployment)
        let left = descriptor.containerNames.filter { shell.inspect($0) != nil }
        guard left.isEmpty else {
            throw LocalClusterError(.processDidNotStop, "these containers are still there after `compose down` and `rm --force`: \(left.joined(separator: ", "))")
        }
    }

    private func containerName(of member: ClusterMember, in descriptor: ClusterDescriptor) throws -> String {
        let name: String?
        switch member {
        case .zookeeper(let id): name = descriptor.zookeeper.servers.first { $0.id == id }?.container
        case .broker(let id): name = descriptor.brokers.first { $0.id == id }?.container
        case .controller(let id): name = descriptor.controllers.first { $0.id == id }?.container
        }
        guard let name else { throw unknown(member) }
        return name
    }

    private func unknown(_ member: ClusterMember) -> LocalClusterError {
        LocalClusterError(.unknownMember, "the cluster in \(directory) has no \(member)")
    }

    static func serviceName(_ member: ClusterMember) -> String {
        switch member {
        case .zookeeper(let id): ContainerComposeFile.zookeeperService(id)
        case .broker(let id): ContainerComposeFile.brokerService(id)
        case .controller(let id): "controller-\(id)"
        }
    }

    private func waitForContainer(_ name: String, shell: ContainerEngine, toBe state: MemberState) throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while (shell.inspect(name)?.memberState ?? .stopped) != state {
            guard ContinuousClock.now < deadline else {
                throw LocalClusterError(.processDidNotStop, "container \(name) is not \(state.rawValue) 30 s after the engine's command")
            }
            usleep(100_000)
        }
    }

    func memberOption(_ member: ClusterMember) -> String {
        switch member {
        case .zookeeper(let id): "--zookeeper \(id)"
        case .broker(let id): "--broker \(id)"
        case .controller(let id): "--controller \(id)"
        }
    }
}

extension LocalCluster {
    /// The host's pid of a member's process, for reading its /proc (peak memory): the recorded pid
    /// in process mode; in containers, the engine's `.State.Pid` of the container's process 1 (the
    /// broker itself, which the entrypoint `exec`s). nil when it is not running.
    public func hostProcessID(of member: ClusterMember) -> Int32? {
        guard let descriptor = try? descriptor() else { return nil }
        guard let deployment = descriptor.containers else { return try? descriptor.recordedPID(of: member) }
        let name: String? =
            switch member {
            case .zookeeper(let id): descriptor.zookeeper.servers.first { $0.id == id }?.container
            case .broker(let id): descriptor.brokers.first { $0.id == id }?.container
            case .controller(let id): descriptor.controllers.first { $0.id == id }?.container
            }
        guard let name,
            let result = try? ContainerEngine(deployment: deployment).engine(["inspect", "--format", "{{.State.Pid}}", name], timeout: .seconds(30)),
            result.succeeded, let pid = Int32(result.output.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0
        else { return nil }
        return pid
    }
}
