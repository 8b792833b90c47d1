import Foundation

extension LocalCluster {
    /// How long a broker gets to log that it has started.
    static let brokerReadinessTimeout: Duration = .seconds(60)

    /// The line a ZKafka broker logs when its start-up is complete (Kafka logs the same words:
    /// `[KafkaServer id=N] started`).
    static func brokerStartedLine(_ id: Int) -> String { "[KafkaServer id=\(id)] started" }

    /// The `zkafka` executable that brokers are started from: `ZKAFKA_EXECUTABLE` if set, else the
    /// running program when it is `zkafka` itself.
    static func brokerExecutable() throws -> String {
        if let path = ProcessInfo.processInfo.environment["ZKAFKA_EXECUTABLE"], !path.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw LocalClusterError(.invalidArgument, "ZKAFKA_EXECUTABLE=\(path) is not an executable file")
            }
            return path
        }
        let current = BrokerLaunchPlan.currentExecutable
        guard URL(fileURLWithPath: current).lastPathComponent == "zkafka" else {
            throw LocalClusterError(
                .invalidArgument,
                "cannot tell which zkafka executable should run the brokers (this is \(current)); set ZKAFKA_EXECUTABLE")
        }
        return current
    }

    /// Writes each broker's `server.properties`, starts them all, and waits until each has logged
    /// that it started (registered in ZooKeeper, serving its listener).
    func launchBrokers(_ plans: [BrokerLaunchPlan], into descriptor: inout ClusterDescriptor) throws {
        guard !plans.isEmpty else { return }
        let executable = try Self.brokerExecutable()
        var started: [(plan: BrokerLaunchPlan, pid: Int32, logOffset: Int)] = []
        for plan in plans {
            try createDirectory(plan.logDir)
            try writeFile(plan.configPath, plan.serverProperties())
            let offset = Self.fileSize(plan.logPath)
            let pid = try DetachedProcessLauncher.spawn(arguments: plan.arguments(executable: executable), logPath: plan.logPath)
            if !descriptor.brokers.contains(where: { $0.id == plan.id }) { descriptor.brokers.append(plan.descriptor) }
            descriptor.record(.broker(plan.id), pid: pid, state: .running)
            started.append((plan, pid, offset))
        }
        try descriptor.write(to: paths.descriptor)
        for (plan, pid, offset) in started { try waitUntilBrokerStarted(plan, pid: pid, logOffset: offset) }
    }

    private func waitUntilBrokerStarted(_ plan: BrokerLaunchPlan, pid: Int32, logOffset: Int) throws {
        let marker = Self.brokerStartedLine(plan.id)
        let deadline = ContinuousClock.now + Self.brokerReadinessTimeout
        while ContinuousClock.now < deadline {
            if Self.logContains(plan.logPath, marker, from: logOffset) { return }
            if process(pid).liveness == .gone {
                throw LocalClusterError(
                    .serverDidNotComeUp,
                    "broker \(plan.id) exited during startup\n--- last lines of \(plan.logPath) ---\n" + LogTail.read(plan.logPath))
            }
            usleep(100_000)
        }
        throw LocalClusterError(
            .serverDidNotComeUp,
            "broker \(plan.id) (pid \(pid)) did not start within \(Self.brokerReadinessTimeout)\n--- last lines of \(plan.logPath) ---\n"
                + LogTail.read(plan.logPath))
    }

    /// The launch plan for a broker recorded in `descriptor`.
    func brokerPlan(_ broker: ClusterDescriptor.Broker, descriptor: ClusterDescriptor) -> BrokerLaunchPlan {
        BrokerLaunchPlan(id: broker.id, host: broker.host, port: broker.port, zookeeperConnect: descriptor.zookeeper.connect, paths: paths)
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    static func logContains(_ path: String, _ text: String, from offset: Int) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        try? handle.seek(toOffset: UInt64(offset))
        guard let data = try? handle.readToEnd() else { return false }
        return String(decoding: data, as: UTF8.self).contains(text)
    }
}
