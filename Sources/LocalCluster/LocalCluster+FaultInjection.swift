import Foundation

extension LocalCluster {
    /// Signals one member. KILL and TERM return once the process is gone (a TERM'd process that
    /// lingers past the grace period gets SIGKILL) and record it stopped; STOP returns once the
    /// process is paused and records it paused; CONT records it running.
    public func kill(_ member: ClusterMember, signal: ClusterSignal = .kill) throws {
        _ = try descriptor()  // "no cluster here" before the lock file would be created
        try ClusterDirectoryLock.withLock(paths) {
            var descriptor = try descriptor()
            if let deployment = descriptor.containers {
                try containerKill(member, signal: signal, descriptor: &descriptor, deployment: deployment)
                return
            }
            let target = try descriptor.recordedPID(of: member).map(process)
            guard let target, target.liveness != .gone else {
                descriptor.record(member, pid: nil, state: .stopped)
                try descriptor.write(to: paths.descriptor)
                throw LocalClusterError(
                    .memberNotRunning, "\(member) is not running; start it with `zkafka cluster start --dir \(directory) \(option(member))`")
            }
            switch signal {
            case .kill, .term:
                if signal == .kill { target.send(SIGKILL) } else { terminate(target) }
                if !target.waitUntilGone(timeout: Self.terminationGrace) {
                    target.send(SIGKILL)
                    guard target.waitUntilGone(timeout: .seconds(5)) else {
                        throw LocalClusterError(.processDidNotStop, "\(member) (pid \(target.pid)) did not stop even after SIGKILL")
                    }
                }
                descriptor.record(member, pid: nil, state: .stopped)
            case .stop:
                target.send(SIGSTOP)
                // The kernel stops the process asynchronously; wait so status right after shows it.
                let deadline = ContinuousClock.now + .seconds(5)
                while target.liveness == .running && ContinuousClock.now < deadline { usleep(10_000) }
                descriptor.record(member, pid: target.pid, state: .paused)
            case .cont:
                target.send(SIGCONT)
                descriptor.record(member, pid: target.pid, state: .running)
            }
            try descriptor.write(to: paths.descriptor)
        }
    }

    /// Starts a stopped member again with its old configuration and data. For a ZooKeeper
    /// server, returns once `srvr` answers a mode (it rejoined the ensemble); that needs a
    /// quorum of the other servers to be up. A KRaft node returns once it logs that it started
    /// (a broker: once the active controller has unfenced it).
    public func start(_ member: ClusterMember) throws {
        _ = try descriptor()
        try ClusterDirectoryLock.withLock(paths) {
            var descriptor = try descriptor()
            if let deployment = descriptor.containers {
                try containerStart(member, descriptor: &descriptor, deployment: deployment)
                return
            }
            if let pid = try descriptor.recordedPID(of: member), process(pid).liveness != .gone {
                let paused = process(pid).liveness == .paused
                throw LocalClusterError(
                    .memberAlreadyRunning,
                    "\(member) is already running (pid \(pid))"
                        + (paused ? "; it is paused: resume it with `zkafka cluster kill --dir \(directory) \(option(member)) --signal CONT`" : ""))
            }
            if descriptor.clusterMode == .kraft {
                try startKRaftNode(member, descriptor: &descriptor)
                return
            }
            if case .broker(let id) = member {
                guard let broker = descriptor.brokers.first(where: { $0.id == id }) else {
                    throw LocalClusterError(.invalidArgument, "this cluster has no broker \(id)")
                }
                try ClusterPortLayout(zookeeper: [], brokers: [broker.port]).checkAllFree(grace: .seconds(10))
                try launchBrokers([brokerPlan(broker, descriptor: descriptor)], into: &descriptor)
                return
            }
            guard case .zookeeper(let id) = member,
                let server = descriptor.zookeeper.servers.first(where: { $0.id == id })
            else {
                throw LocalClusterError(.invalidArgument, "this cluster has no \(member)")
            }
            let ports = ClusterPortLayout(
                zookeeper: [.init(client: server.clientPort, quorum: server.quorumPort, election: server.electionPort)],
                brokers: [])
            try ports.checkAllFree(grace: .seconds(10))
            let installation = try ZooKeeperInstallation.locate()
            let pid = try DetachedProcessLauncher.spawn(
                arguments: installation.serverArguments(configPath: server.config), logPath: server.log)
            descriptor.record(member, pid: pid, state: .running)
            try descriptor.write(to: paths.descriptor)
            try waitUntilServing(server, pid: pid)
        }
    }

    /// A network partition: disconnects the member's container from the compose network (it keeps
    /// running, isolated). Only a cluster in containers can be partitioned: processes on one host
    /// all share the loopback interface.
    public func partition(_ member: ClusterMember) throws {
        try changeNetwork(member, connect: false)
    }

    /// Ends a partition: reconnects the member's container to the compose network.
    public func heal(_ member: ClusterMember) throws {
        try changeNetwork(member, connect: true)
    }

    private func changeNetwork(_ member: ClusterMember, connect: Bool) throws {
        _ = try descriptor()
        try ClusterDirectoryLock.withLock(paths) {
            var descriptor = try descriptor()
            guard let deployment = descriptor.containers else {
                throw LocalClusterError(
                    .needsContainers,
                    "`cluster \(connect ? "heal" : "partition")` needs a cluster in containers (`zkafka cluster up --containers`): "
                        + "the processes of \(directory) share the host's loopback interface, which cannot be cut for one of them")
            }
            try containerNetwork(member, connect: connect, descriptor: &descriptor, deployment: deployment)
        }
    }

    private func waitUntilServing(_ server: ClusterDescriptor.ZooKeeperServer, pid: Int32) throws {
        var started = server
        started.pid = pid
        let deadline = ContinuousClock.now + Self.readinessTimeout
        while ContinuousClock.now < deadline {
            switch observedMode(of: started) {
            case .down:
                throw serverDidNotComeUp([started], reason: "zookeeper \(server.id) exited during startup")
            case let mode where mode.isServing:
                return
            default:
                usleep(200_000)
            }
        }
        throw serverDidNotComeUp(
            [started],
            reason: "zookeeper \(server.id) (pid \(pid)) did not serve within \(Self.readinessTimeout); it is left running "
                + "(it needs a quorum of the other servers up)")
    }

    private func option(_ member: ClusterMember) -> String { member.option }
}
