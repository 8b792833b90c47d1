import ChildProcess
import ChaosTesting
import Foundation
import KafkaController
import KafkaModel
import KafkaZooKeeperData
import LocalCluster
import Logging
import ZooKeeper

/// The shell of `zkafka chaos`: a local cluster, an acks=all producer, the nemesis's faults round by round, and at
/// the end the verdict (``ChaosVerdict``) and a byte comparison of every replica's log.
struct ChaosRun: Sendable {
    let cluster: LocalCluster
    let schedule: NemesisSchedule
    let seed: UInt64
    /// No new round starts after this much time.
    let budget: Duration
    /// How long a killed broker stays down before it is started again.
    let hold: Duration
    static let topic = "chaos"
    static let partitionCount: Int32 = 3
    static let sessionTimeout = Duration.seconds(6)

    struct Round: Sendable {
        var fault: NemesisFault
        var detail: String
        var faultSeconds: Double
        /// From the start of the fault until every broker it touched had registered anew (a newer broker epoch) and
        /// every partition had a leader and a full ISR; nil if that never happened.
        var recoverySeconds: Double?
        var acknowledgedDuring: Int
    }

    struct Outcome: Sendable {
        var rounds: [Round]
        var verdict: ChaosVerdict
        var producer: DemoTraffic.ProducerSummary?
        /// Why the producer stopped before it was asked to, if it did (a broker answer it could not retry).
        var producerFailure: String?
        var secondsToFullISRs: Double?
        var divergentPartitions: [String]
        var passed: Bool {
            verdict.lostNothing && divergentPartitions.isEmpty && secondsToFullISRs != nil && producerFailure == nil
                && rounds.allSatisfy { $0.recoverySeconds != nil }
        }
    }

    func run(say: @Sendable (String) -> Void) async throws -> Outcome {
        let descriptor = try cluster.up(zookeepers: 3, brokers: 3)
        var logger = Logger(label: "zkafka.chaos.zookeeper")
        logger.logLevel = .error
        let zk = try await ZooKeeperClient.connect(
            try ZooKeeperConfiguration(connect: descriptor.zookeeper.connect), timeout: .seconds(30), logger: logger)
        defer { Task { await zk.close() } }
        let bootstrap = descriptor.brokers.map { "\($0.host):\($0.port)" }.joined(separator: ",")
        try await createTopic(zk)
        guard try await waitForFullISRs(zk, timeout: .seconds(60)) != nil else {
            throw DemoTimeout(description: "topic \(Self.topic) never got leaders and full ISRs")
        }
        say("cluster up in \(cluster.directory); topic \(Self.topic): \(Self.partitionCount) partitions, RF 3, min.insync.replicas=2")
        let traffic = DemoTraffic(directory: cluster.directory, prefix: "chaos")
        let producer = try traffic.startProducer(bootstrap: bootstrap, topic: Self.topic)
        var rounds: [Round] = []
        do {
            try await Task.sleep(for: .seconds(2))
            let started = ContinuousClock.now
            for (index, fault) in schedule.faults.enumerated() {
                if ContinuousClock.now - started > budget {
                    say("duration reached: \(rounds.count) of \(schedule.faults.count) rounds run")
                    break
                }
                let before = traffic.acknowledgedCount()
                let epochsBefore = try await brokerEpochs(zk)
                let faultStart = ContinuousClock.now
                let (detail, touched) = try await inject(fault, round: index, zk: zk)
                let faultSeconds = Self.seconds(ContinuousClock.now - faultStart)
                // A state read too early would still show the ISRs from before the fault: recovery also requires every
                // touched broker's new registration.
                let newerThan = epochsBefore.filter { touched.contains($0.key) }
                let recovery = try await waitForFullISRs(zk, timeout: .seconds(180), newerEpochsThan: newerThan)
                    .map { faultSeconds + $0 }
                let round = Round(
                    fault: fault, detail: detail, faultSeconds: faultSeconds, recoverySeconds: recovery,
                    acknowledgedDuring: traffic.acknowledgedCount() - before)
                rounds.append(round)
                say(String(format: "round %d: %@ (%@): fault %.1f s, ", index + 1, fault.rawValue, detail, faultSeconds)
                    + (recovery.map { String(format: "full ISRs after %.1f s", $0) } ?? "NO full ISRs within 180 s")
                    + ", \(round.acknowledgedDuring) records acknowledged meanwhile")
            }
        } catch {
            producer.forceStop()
            throw error
        }
        // The end: everything running, full ISRs, producer flushed, everything read back.
        try startEverything(descriptor)
        let fullISRs = try await waitForFullISRs(zk, timeout: .seconds(180))
        // A producer that died on the way still leaves its acknowledgements: the verdict is computed all the same.
        var summary: DemoTraffic.ProducerSummary?
        var producerFailure: String?
        do {
            summary = try traffic.stopProducer(producer)
        } catch {
            let log = (try? String(contentsOfFile: traffic.producerLogPath, encoding: .utf8)) ?? ""
            producerFailure = log.split(separator: "\n").last { $0.contains("Error") || $0.contains("Exception") }.map(String.init) ?? "\(error)"
        }
        if let summary {
            say("producer: \(summary.produced) sent, \(summary.acknowledged) acknowledged, \(summary.failed) failed")
        } else {
            say("producer: stopped early: \(producerFailure ?? "?")")
        }
        _ = try traffic.dumpConsumed(bootstrap: bootstrap, topic: Self.topic)
        let verdict = ChaosVerdict(
            acknowledged: try Self.records(traffic.acknowledgedPath), consumed: try Self.records(traffic.consumedPath))
        let divergent = try await divergentReplicas(try cluster.descriptor(), zk: zk)
        return Outcome(
            rounds: rounds, verdict: verdict, producer: summary, producerFailure: producerFailure, secondsToFullISRs: fullISRs,
            divergentPartitions: divergent)
    }

    // MARK: - Faults

    private func inject(_ fault: NemesisFault, round: Int, zk: ZooKeeperClient) async throws -> (String, Set<Int>) {
        let brokers = try cluster.descriptor().brokers.map(\.id)
        let partition = Int32(round) % Self.partitionCount
        switch fault {
        case .killLeader:
            let leader = try await leaderOf(partition, zk: zk, timeout: .seconds(30))
            try cluster.kill(.broker(leader), signal: .kill)
            try await Task.sleep(for: hold)
            try cluster.start(.broker(leader))
            return ("broker \(leader), leader of \(Self.topic)-\(partition)", [leader])
        case .killFollower:
            let leader = try await leaderOf(partition, zk: zk, timeout: .seconds(30))
            let follower = brokers.filter { $0 != leader }[round % (brokers.count - 1)]
            try cluster.kill(.broker(follower), signal: .kill)
            try await Task.sleep(for: hold)
            try cluster.start(.broker(follower))
            return ("broker \(follower), follower of \(Self.topic)-\(partition)", [follower])
        case .killController:
            let controller = try await poll("an active controller", timeout: .seconds(30)) { try await controllerID(zk) }
            try cluster.kill(.broker(controller), signal: .kill)
            try await Task.sleep(for: hold)
            try cluster.start(.broker(controller))
            return ("broker \(controller), the controller", [controller])
        case .bounceBroker:
            let broker = brokers[round % brokers.count]
            try cluster.kill(.broker(broker), signal: .kill)
            try cluster.start(.broker(broker))
            return ("broker \(broker)", [broker])
        case .pauseBroker:
            let broker = brokers[(round + 1) % brokers.count]
            try cluster.kill(.broker(broker), signal: .stop)
            try await Task.sleep(for: Self.sessionTimeout + .seconds(3))
            try cluster.kill(.broker(broker), signal: .cont)
            return ("broker \(broker) for \(Self.sessionTimeout.components.seconds + 3) s", [broker])
        case .crashCluster:
            for broker in brokers { try cluster.kill(.broker(broker), signal: .kill) }
            try await Task.sleep(for: hold)
            for broker in brokers { try cluster.start(.broker(broker)) }
            return ("brokers \(brokers.map(String.init).joined(separator: ","))", Set(brokers))
        case .killNewLeader:
            let first = try await leaderOf(partition, zk: zk, timeout: .seconds(30))
            try cluster.kill(.broker(first), signal: .kill)
            let second = try await poll("a new leader of \(Self.topic)-\(partition)", timeout: .seconds(60)) { () -> Int? in
                guard let state = try await partitionState(partition, zk: zk) else { return nil }
                let leader = Int(state.leader)
                return leader >= 0 && leader != first ? leader : nil
            }
            try cluster.kill(.broker(second), signal: .kill)
            try await Task.sleep(for: hold)
            try cluster.start(.broker(first))
            try cluster.start(.broker(second))
            return ("broker \(first), then the new leader \(second), of \(Self.topic)-\(partition)", [first, second])
        case .partitionBroker:
            // Held past the session timeout, so ZooKeeper expires the isolated broker's session and the controller
            // elects other leaders while the broker, still reachable by clients, believes it leads.
            let leader = try await leaderOf(partition, zk: zk, timeout: .seconds(30))
            let descriptor = try cluster.descriptor()
            guard let target = descriptor.brokers.first(where: { $0.id == leader }), let pid = target.pid,
                let network = ChaosNetworkPartition()
            else { throw DemoTimeout(description: "cannot partition broker \(leader): no process or no cgroup v2") }
            let rules = try network.cut(broker: pid, port: target.port, peers: descriptor.brokers.filter { $0.id != leader }.compactMap(\.pid))
            do {
                try await Task.sleep(for: Self.sessionTimeout + .seconds(3))
            } catch {
                network.heal(rules)
                throw error
            }
            network.heal(rules)
            return ("broker \(leader), leader of \(Self.topic)-\(partition), cut off for \(Self.sessionTimeout.components.seconds + 3) s", [leader])
        }
    }

    private func startEverything(_ descriptor: ClusterDescriptor) throws {
        let current = try cluster.descriptor()
        for broker in current.brokers {
            switch broker.state {
            case .paused: try cluster.kill(.broker(broker.id), signal: .cont)
            case .stopped: try cluster.start(.broker(broker.id))
            default: break
            }
        }
    }

    // MARK: - Reading the cluster

    private func createTopic(_ zk: ZooKeeperClient) async throws {
        let assignment = try ReplicaAssignmentAlgorithm.assignReplicasToBrokers(
            brokers: [1, 2, 3], partitionCount: Self.partitionCount, replicationFactor: 3, startIndex: 0, nextReplicaShift: 0)
        try await zk.createRecursive(ZNodePaths.topicConfig(Self.topic), data: TopicConfigZNode.encode(["min.insync.replicas": "2"]))
        let node = TopicZNode(topic: Self.topic, topicID: nil, partitions: assignment.mapValues { ReplicaAssignment(replicas: $0) })
        try await zk.createRecursive(ZNodePaths.topic(Self.topic), data: node.encode())
    }

    private func partitionState(_ partition: Int32, zk: ZooKeeperClient) async throws -> LeaderAndISR? {
        do {
            let (data, stat) = try await zk.getData(ZNodePaths.partitionState(Self.topic, partition))
            return try TopicPartitionStateZNode.decode(
                TopicPartition(topic: Self.topic, partition: partition), data: data, zkVersion: stat.version
            ).leaderAndISR
        } catch let error as ZooKeeperError where error.code == .noNode {
            return nil
        }
    }

    private func leaderOf(_ partition: Int32, zk: ZooKeeperClient, timeout: Duration) async throws -> Int {
        try await poll("a leader of \(Self.topic)-\(partition)", timeout: timeout) { () -> Int? in
            guard let leader = try await partitionState(partition, zk: zk)?.leader, leader >= 0 else { return nil }
            return Int(leader)
        }
    }

    private func controllerID(_ zk: ZooKeeperClient) async throws -> Int? {
        do {
            let (data, _) = try await zk.getData(ZNodePaths.controller)
            return Int(try ControllerZNode.decode(data).brokerID)
        } catch let error as ZooKeeperError where error.code == .noNode {
            return nil
        }
    }

    /// Each registered broker's epoch: the czxid of its `/brokers/ids/<id>` znode.
    private func brokerEpochs(_ zk: ZooKeeperClient) async throws -> [Int: Int64] {
        var epochs: [Int: Int64] = [:]
        for child in try await zk.getChildren(ZNodePaths.brokerIDs).children {
            guard let id = Int(child), let stat = try? await zk.exists(ZNodePaths.broker(Int32(id))) else { continue }
            epochs[id] = stat.czxid
        }
        return epochs
    }

    /// Seconds until all 3 brokers are registered (those in `newerEpochsThan` with a newer epoch) and every
    /// partition has a leader and all 3 replicas in its ISR, or nil when `timeout` passed first.
    private func waitForFullISRs(
        _ zk: ZooKeeperClient, timeout: Duration, newerEpochsThan old: [Int: Int64] = [:]
    ) async throws -> Double? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            let epochs = (try? await brokerEpochs(zk)) ?? [:]
            var full = epochs.count == 3 && old.allSatisfy { id, epoch in (epochs[id] ?? 0) > epoch }
            if full {
                for partition in 0..<Self.partitionCount {
                    guard let state = try? await partitionState(partition, zk: zk), state.leader >= 0, state.isr.count == 3 else {
                        full = false
                        break
                    }
                }
            }
            if full { return Self.seconds(ContinuousClock.now - start) }
            try await Task.sleep(for: .milliseconds(200))
        }
        return nil
    }

    /// `topic-partition` names whose replicas' logs are not byte-identical once the followers caught up (waits up
    /// to 60 s for equal log sizes first: a follower fetches what the leader appended last within a fetch or two).
    private func divergentReplicas(_ descriptor: ClusterDescriptor, zk: ZooKeeperClient) async throws -> [String] {
        var divergent: [String] = []
        for partition in 0..<Self.partitionCount {
            let deadline = ContinuousClock.now + .seconds(60)
            var logs: [Int: [UInt8]] = [:]
            while true {
                logs = Dictionary(uniqueKeysWithValues: descriptor.brokers.map { ($0.id, Self.logBytes($0.logDir, partition)) })
                if Set(logs.values.map(\.count)).count == 1 || ContinuousClock.now >= deadline { break }
                try await Task.sleep(for: .milliseconds(500))
            }
            let differing = ReplicaLogComparison.divergent(logs)
            if !differing.isEmpty {
                divergent.append("\(Self.topic)-\(partition) (brokers \(differing.map(String.init).joined(separator: ",")) differ from the first; "
                    + "sizes \(logs.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.count)" }.joined(separator: " ")))")
            }
        }
        return divergent
    }

    /// A partition's segment files of one broker, concatenated in offset order.
    static func logBytes(_ logDir: String, _ partition: Int32) -> [UInt8] {
        let directory = "\(logDir)/\(topic)-\(partition)"
        let segments = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".log") }.sorted()
        return segments.flatMap { Array(FileManager.default.contents(atPath: directory + "/" + $0) ?? Data()) }
    }

    static func records(_ path: String) throws -> [StoredRecord] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", maxSplits: 2)
            guard fields.count == 3, let partition = Int32(fields[0]), let offset = Int64(fields[1]) else { return nil }
            return StoredRecord(partition: partition, offset: offset, value: String(fields[2]))
        }
    }

    private func poll<T: Sendable>(_ what: String, timeout: Duration, _ body: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let value = try await body() { return value }
            if ContinuousClock.now >= deadline { throw DemoTimeout(description: "timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
