import ChildProcess
import Foundation
import KafkaModel

/// What `upKRaft` started, and why it started less than asked (brokers this zkafka cannot run yet).
public struct KRaftUpOutcome: Sendable {
    public var descriptor: ClusterDescriptor
    public var notes: [String]
}

extension LocalCluster {
    /// Quorum sizes `up --mode kraft` accepts (a Raft quorum of 1 works; more than 9 only slows one machine down).
    public static let controllerCountRange = 1...9

    public static func validateKRaftUp(controllers: Int, brokers: Int) throws {
        guard controllerCountRange.contains(controllers) else {
            throw LocalClusterError(
                .invalidArgument,
                "--controllers must be between \(controllerCountRange.lowerBound) and \(controllerCountRange.upperBound), not \(controllers)")
        }
        guard brokers >= 0 else {
            throw LocalClusterError(.invalidArgument, "--brokers must not be negative, not \(brokers)")
        }
    }

    /// Starts a KRaft-mode cluster as Kafka 3.3's quick start does it: a cluster id
    /// (`storage random-uuid`), every node's `server.properties`, `storage format` on each, then the
    /// controllers (ids 3001...3000+N), which must elect a leader that every other controller follows,
    /// then the brokers (ids 1...M), each of which logs that it started only once the active controller
    /// has registered and unfenced it. A second `up` in the same directory keeps the cluster id, the
    /// ports (the voters are in every node's `quorum-state`) and the data.
    ///
    /// A zkafka that cannot run `process.roles=broker` yet makes the first broker exit at start-up;
    /// then the brokers are dropped, the controllers keep running, and `notes` says so.
    @discardableResult
    public func upKRaft(controllers: Int = 3, brokers: Int = 3) throws -> KRaftUpOutcome {
        try Self.validateKRaftUp(controllers: controllers, brokers: brokers)
        let executable = try Self.brokerExecutable()
        try createDirectory(directory)
        return try ClusterDirectoryLock.withLock(paths) {
            try refuseIfRunning()
            let previous = try ClusterDescriptor.read(from: paths.descriptor)
            if let previous, previous.clusterMode != .kraft {
                throw LocalClusterError(
                    .invalidArgument, "\(directory) holds a ZooKeeper-mode cluster; start it with `zkafka cluster up` or use another --dir")
            }
            let reuse = previous.flatMap { $0.clusterMode == .kraft && $0.controllers.count == controllers ? $0 : nil }
            let clusterID = reuse?.clusterID ?? KafkaUuid.random().description
            let controllerPorts: [Int]
            var brokerPorts: [Int]
            if let reuse {
                controllerPorts = reuse.controllers.map(\.port)
                brokerPorts = Array(reuse.brokers.map(\.port).prefix(brokers))
                brokerPorts += try FreePortAllocator.reserve(count: brokers - brokerPorts.count)
            } else {
                let ports = try FreePortAllocator.reserve(count: controllers + brokers)
                controllerPorts = Array(ports[..<controllers])
                brokerPorts = Array(ports[controllers...])
            }
            try ClusterPortLayout(zookeeper: [], brokers: controllerPorts + brokerPorts).checkAllFree()

            let controllerPlans = controllerPorts.enumerated().map { index, port in
                (id: KRaftNodeLaunchPlan.controllerIDOffset + index + 1, port: port)
            }
            let voters = controllerPlans.map { "\($0.id)@127.0.0.1:\($0.port)" }.joined(separator: ",")
            let controllerNodes = controllerPlans.map {
                KRaftNodeLaunchPlan(role: .controller, id: $0.id, port: $0.port, quorumVoters: voters, paths: paths)
            }
            let brokerNodes = brokerPorts.enumerated().map { index, port in
                KRaftNodeLaunchPlan(role: .broker, id: index + 1, port: port, quorumVoters: voters, paths: paths)
            }
            var descriptor = ClusterDescriptor(
                directory: directory, clusterID: clusterID, controllers: controllerNodes.map(\.descriptor), brokers: [])
            var notes: [String] = []
            do {
                for node in controllerNodes + brokerNodes { try prepare(node, executable: executable, clusterID: clusterID) }
                try launchKRaftNodes(controllerNodes, executable: executable, into: &descriptor)
                try waitUntilQuorumSettles(descriptor)
                if let reason = brokersUnsupportedReason(brokerNodes, descriptor: descriptor) {
                    notes.append("\(reason): started the \(controllers) controllers only")
                } else {
                    do {
                        try launchKRaftNodes(brokerNodes, executable: executable, into: &descriptor)
                    } catch let error as LocalClusterError where Self.brokerRoleUnsupported(error) {
                        for node in brokerNodes {
                            if let pid = try? descriptor.recordedPID(of: node.member) {
                                process(pid).send(SIGKILL)
                                _ = process(pid).waitUntilGone(timeout: .seconds(5))
                            }
                        }
                        descriptor.brokers = []
                        try descriptor.write(to: paths.descriptor)
                        notes.append("this zkafka cannot run KRaft brokers (process.roles=broker) yet: started the \(controllers) controllers only")
                    }
                }
            } catch {
                stopAfterFailedStart(&descriptor)
                throw error
            }
            return KRaftUpOutcome(descriptor: descriptor, notes: notes)
        }
    }

    /// Why brokers cannot join this quorum, if they cannot: the active controller does not list
    /// BrokerRegistration in ApiVersions (controller processes that run only the Raft quorum), so a
    /// broker would retry registration until `initial.broker.registration.timeout.ms` and exit.
    func brokersUnsupportedReason(_ brokers: [KRaftNodeLaunchPlan], descriptor: ClusterDescriptor) -> String? {
        guard !brokers.isEmpty else { return nil }
        let controllers = descriptor.controllers
        let active = try? status().activeControllerID
        let asked = controllers.first { $0.id == active } ?? controllers.first
        guard let asked else { return nil }
        let keys = ControllerApiVersionsProbe.apiKeys(host: asked.host, port: asked.port) ?? []
        guard !keys.contains(ControllerApiVersionsProbe.brokerRegistrationKey) else { return nil }
        return "the controllers of this zkafka do not serve BrokerRegistration yet (controller \(asked.id) lists no API 62 in ApiVersions), so no broker could register"
    }

    /// The message `KRaftNodeRunner` exits with before brokers exist ("process.roles=broker is not implemented yet").
    static func brokerRoleUnsupported(_ error: LocalClusterError) -> Bool {
        error.message.contains("is not implemented yet")
    }

    /// Creates the node's log dir, writes its `server.properties` and formats its storage.
    func prepare(_ node: KRaftNodeLaunchPlan, executable: String, clusterID: String) throws {
        try createDirectory(node.logDir)
        try writeFile(node.configPath, node.serverProperties())
        let (status, output) = try Self.runToCompletion(node.formatArguments(executable: executable, clusterID: clusterID))
        guard status == 0 else {
            throw LocalClusterError(
                .serverDidNotComeUp,
                "`zkafka storage format` failed for \(node.member) (exit \(status)): \(output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    /// Spawns every node, records them, then waits for each one's started line.
    func launchKRaftNodes(_ nodes: [KRaftNodeLaunchPlan], executable: String, into descriptor: inout ClusterDescriptor) throws {
        guard !nodes.isEmpty else { return }
        var started: [(node: KRaftNodeLaunchPlan, pid: Int32, logOffset: Int)] = []
        for node in nodes {
            let offset = Self.fileSize(node.logPath)
            let pid = try DetachedProcessLauncher.spawn(arguments: node.arguments(executable: executable), logPath: node.logPath)
            switch node.role {
            case .controller:
                if !descriptor.controllers.contains(where: { $0.id == node.id }) { descriptor.controllers.append(node.descriptor) }
            case .broker:
                if !descriptor.brokers.contains(where: { $0.id == node.id }) { descriptor.brokers.append(node.descriptor) }
            }
            descriptor.record(node.member, pid: pid, state: .running)
            started.append((node, pid, offset))
        }
        // Written before waiting, so `down` can find the processes whatever happens next.
        try descriptor.write(to: paths.descriptor)
        for (node, pid, offset) in started { try waitUntilStarted(node, pid: pid, logOffset: offset) }
    }

    private func waitUntilStarted(_ node: KRaftNodeLaunchPlan, pid: Int32, logOffset: Int) throws {
        let deadline = ContinuousClock.now + Self.brokerReadinessTimeout
        while ContinuousClock.now < deadline {
            if Self.logContains(node.logPath, node.startedLine, from: logOffset) { return }
            if process(pid).liveness == .gone {
                throw LocalClusterError(
                    .serverDidNotComeUp,
                    "\(node.member) exited during startup\n--- last lines of \(node.logPath) ---\n" + LogTail.read(node.logPath))
            }
            usleep(100_000)
        }
        throw LocalClusterError(
            .serverDidNotComeUp,
            "\(node.member) (pid \(pid)) did not start within \(Self.brokerReadinessTimeout)\n--- last lines of \(node.logPath) ---\n"
                + LogTail.read(node.logPath))
    }

    /// Polls the controllers' own views until one leads and every other running one follows it in its epoch.
    func waitUntilQuorumSettles(_ descriptor: ClusterDescriptor) throws {
        let deadline = ContinuousClock.now + Self.readinessTimeout
        var roles: [Int: KRaftQuorumRole] = [:]
        while ContinuousClock.now < deadline {
            for controller in descriptor.controllers { roles[controller.id] = observedQuorumRole(of: controller) }
            if let exited = descriptor.controllers.first(where: { roles[$0.id] == .down }) {
                throw LocalClusterError(
                    .serverDidNotComeUp,
                    "controller \(exited.id) exited during startup\n--- last lines of \(exited.log) ---\n" + LogTail.read(exited.log))
            }
            let status = ClusterStatus(
                mode: descriptor.mode, directory: directory, connect: descriptor.quorumVoters, zookeeper: [],
                controllers: descriptor.controllers.map { .init(id: $0.id, port: $0.port, pid: $0.pid, quorum: roles[$0.id] ?? .starting) },
                brokers: [])
            if status.isQuorumSettled { return }
            usleep(100_000)
        }
        let views = descriptor.controllers.map { "\($0.id)=\(roles[$0.id]?.role ?? "?")@\(roles[$0.id]?.epoch.map(String.init) ?? "-")" }
        throw LocalClusterError(
            .serverDidNotComeUp,
            "the controllers elected no leader within \(Self.readinessTimeout) (roles: \(views.joined(separator: " ")))\n"
                + descriptor.controllers.map { "--- last lines of \($0.log) ---\n" + LogTail.read($0.log) }.joined(separator: "\n"))
    }

    /// The launch plan of a node recorded in a KRaft cluster's descriptor.
    func kraftPlan(_ member: ClusterMember, descriptor: ClusterDescriptor) throws -> KRaftNodeLaunchPlan {
        switch member {
        case .controller(let id):
            guard let controller = descriptor.controllers.first(where: { $0.id == id }) else { break }
            return KRaftNodeLaunchPlan(
                role: .controller, id: id, host: controller.host, port: controller.port, quorumVoters: descriptor.quorumVoters, paths: paths)
        case .broker(let id):
            guard let broker = descriptor.brokers.first(where: { $0.id == id }) else { break }
            return KRaftNodeLaunchPlan(
                role: .broker, id: id, host: broker.host, port: broker.port, quorumVoters: descriptor.quorumVoters, paths: paths)
        case .zookeeper:
            break
        }
        throw LocalClusterError(.invalidArgument, "this cluster has no \(member)")
    }

    /// Starts a stopped KRaft node again (its `server.properties` is rewritten, so overrides apply).
    func startKRaftNode(_ member: ClusterMember, descriptor: inout ClusterDescriptor) throws {
        let node = try kraftPlan(member, descriptor: descriptor)
        try ClusterPortLayout(zookeeper: [], brokers: [node.port]).checkAllFree()
        let executable = try Self.brokerExecutable()
        try writeFile(node.configPath, node.serverProperties())
        try launchKRaftNodes([node], executable: executable, into: &descriptor)
    }

    /// Runs a short command (`storage format`) and returns its exit status and combined output.
    static func runToCompletion(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("zkafka-command-\(getpid())-\(UUID().uuidString.prefix(8)).out").path
        defer { unlink(outputPath) }
        let options = ChildProcessOptions(
            arguments, standardOutput: .file(outputPath, append: false), standardError: .standardOutput)
        let status: ChildProcess.ExitStatus?
        do {
            status = try ChildProcess.run(options, timeout: .seconds(120))
        } catch let error as ChildProcessError {
            throw LocalClusterError(.spawnFailed, error.description)
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard let status else {
            throw LocalClusterError(.spawnFailed, "`\(arguments.joined(separator: " "))` did not finish within 120 s: \(output.suffix(2000))")
        }
        return (status.shellCode, output)
    }
}
