import ChildProcess
import ControllerTraceReader
import Foundation
import KafkaController
import KafkaModel
import KafkaZooKeeperData
import LocalCluster
import Logging
import Synchronization
import ZooKeeper

/// The steps of `zkafka demo`, against a real local cluster, reading real znodes with the project's own
/// ZooKeeper client. Every wait is bounded and says what it waited for when it runs out.
struct DemoTour: Sendable {
    let cluster: LocalCluster
    let narrator: DemoNarrator
    static let topic = "demo"
    static let partitionCount: Int32 = 3
    /// Run the cluster in containers (`zkafka demo --containers`), through this engine if set.
    var containers = false
    var engine: String?
    /// The brokers' ZooKeeper session timeout as the ensemble grants it: process mode asks for 6 s; the
    /// container image keeps Kafka's 18 s, which ZooKeeper caps at 20 ticks of 500 ms, 10 s.
    var sessionTimeoutSeconds: Int { containers ? 10 : 6 }
    /// acks=all appends need this many in-sync replicas: with RF 3 the topic survives one broker
    /// down, and refuses (rather than risks) writes while only one is left.
    static let minInsyncReplicas = 2

    /// A partition's `state` znode: raw JSON, decoded, and its znode version.
    struct PartitionStateView: Sendable {
        var json: String
        var state: LeaderISRAndControllerEpoch
        var version: Int32
    }

    func run() async throws {
        narrator.step("Bring up a local cluster: 3 ZooKeeper servers and 3 brokers" + (containers ? ", in containers" : ""))
        narrator.say("Directory: \(cluster.directory)")
        narrator.say("Starting the ZooKeeper ensemble, waiting for it to elect a leader, then starting brokers 1, 2, 3…")
        if containers {
            narrator.say("""
                Each server runs in its own container from the compose file written to \(cluster.directory)/docker-compose.yml; \
                the brokers talk to each other on the compose network (INTERNAL listener) and to this host's clients \
                through ports published on 127.0.0.1 (EXTERNAL). A kill below is `kill --signal KILL` of a container.
                """)
        }
        let descriptor = containers
            ? try cluster.upContainers(zookeepers: 3, brokers: 3, engine: engine)
            : try cluster.up(zookeepers: 3, brokers: 3)
        narrator.say(try cluster.status().table())
        var logger = Logger(label: "zkafka.demo.zookeeper")
        logger.logLevel = .error
        let zooKeeper = try await ZooKeeperClient.connect(
            try ZooKeeperConfiguration(connect: descriptor.zookeeper.connect), timeout: .seconds(30), logger: logger)
        do {
            try await tour(zooKeeper)
            await zooKeeper.close()
        } catch {
            await zooKeeper.close()
            throw error
        }
    }

    private func tour(_ zk: ZooKeeperClient) async throws {
        let traffic = DemoTraffic(directory: cluster.directory)
        let producer = DemoProducerSlot()
        do {
            try await tour(zk, traffic: traffic, producer: producer)
        } catch {
            // Never leave a producer behind a failed tour.
            producer.take()?.forceStop()
            throw error
        }
    }

    private func tour(_ zk: ZooKeeperClient, traffic: DemoTraffic, producer: DemoProducerSlot) async throws {
        // 2. The election.
        narrator.step("The controller election")
        narrator.say("""
            Every broker registered itself as an ephemeral znode /brokers/ids/<id> (its czxid is the broker epoch), \
            then raced to create the ephemeral /controller. The winner also incremented /controller_epoch with a \
            conditional write; every request it sends to brokers carries that epoch, so a deposed controller is fenced.
            """)
        let first = try await poll("a controller to be elected (/controller)", timeout: .seconds(30)) {
            try await controller(zk)
        }
        let firstEpoch = try await controllerEpoch(zk)
        narrator.znode(ZNodePaths.controller, first.json, version: nil, note: "ephemeral, owned by broker \(first.id)'s session")
        narrator.znode(ZNodePaths.controllerEpoch, "\(firstEpoch.epoch)", version: firstEpoch.version)
        try await showBrokers(zk)
        narrator.say("→ Broker \(first.id) is the controller (controller epoch \(firstEpoch.epoch)).")

        // 3. A topic.
        narrator.step("Create topic '\(Self.topic)': 3 partitions, replication factor 3, min.insync.replicas=\(Self.minInsyncReplicas)")
        let assignment = try ReplicaAssignmentAlgorithm.assignReplicasToBrokers(
            brokers: [1, 2, 3], partitionCount: Self.partitionCount, replicationFactor: 3, startIndex: 0, nextReplicaShift: 0)
        let node = TopicZNode(
            topic: Self.topic, topicID: nil,
            partitions: assignment.mapValues { ReplicaAssignment(replicas: $0) })
        let topicPath = ZNodePaths.topic(Self.topic)
        narrator.say("""
            Like Kafka's old admin tools, the demo writes the topic's config (/config/topics/\(Self.topic)) and then \
            the replica assignment straight to ZooKeeper. The controller's watch on /brokers/topics fires (TopicChange); it moves the partitions NonExistent → \
            New → Online, picks the first live replica as leader, writes each partition's state znode and sends \
            LeaderAndIsr to the replicas.
            """)
        let configPath = ZNodePaths.topicConfig(Self.topic)
        let config = TopicConfigZNode.encode(["min.insync.replicas": String(Self.minInsyncReplicas)])
        do {
            // The config first, as Kafka's AdminZkClient does: a broker reads it when it first hosts a partition.
            try await zk.createRecursive(configPath, data: config)
            narrator.znode(configPath, String(decoding: config, as: UTF8.self), note: "written by the demo")
        } catch let error as ZooKeeperError where error.code == .nodeExists {
            narrator.say("\(configPath) already exists (a cluster kept from an earlier run); using it.")
        }
        do {
            _ = try await zk.create(topicPath, data: node.encode())
            narrator.znode(topicPath, String(decoding: node.encode(), as: UTF8.self), note: "written by the demo")
        } catch let error as ZooKeeperError where error.code == .nodeExists {
            narrator.say("\(topicPath) already exists (a cluster kept from an earlier run); using it.")
        }
        let created = try await poll("the controller to write the state znodes of '\(Self.topic)'", timeout: .seconds(30)) { () async throws -> [Int32: PartitionStateView]? in
            let states = try await partitionStates(zk)
            return states.count == Int(Self.partitionCount) ? states : nil
        }
        showStates(created, before: nil)
        let leaders = created.keys.sorted().map { "\(Self.topic)-\($0) → \(created[$0]!.state.leaderAndISR.leader)" }
        narrator.say("→ Leaders: \(leaders.joined(separator: ", ")).")

        // 3b. Traffic through everything that follows.
        narrator.step("Start a producer: acks=all, through every failure that follows")
        let bootstrap = try cluster.descriptor().brokers.map { "\($0.host):\($0.port)" }.joined(separator: ",")
        if let reason = DemoTraffic.unavailableReason() {
            narrator.say("Skipping the producer and consumer: \(reason).")
        } else {
            narrator.say("""
                A confluent-kafka producer (\(DemoTraffic.python)) sends about 100 records a second to '\(Self.topic)' with \
                acks=all: a record is acknowledged only once every in-sync replica has it, and only while at least \
                min.insync.replicas=\(Self.minInsyncReplicas) replicas are in sync. It retries refused and timed-out records. Every \
                acknowledgement (partition, offset, value) goes to \(traffic.acknowledgedPath).
                """)
            producer.put(try traffic.startProducer(bootstrap: bootstrap, topic: Self.topic))
            try await poll("the producer's first acknowledged records", timeout: .seconds(60)) { () async throws -> Bool? in
                traffic.acknowledgedCount() >= 100 ? true : nil
            }
            narrator.say("→ \(traffic.acknowledgedCount()) records acknowledged so far.")
        }

        // 4. Kill the controller.
        narrator.step("kill -9 the controller, broker \(first.id)")
        narrator.say("""
            A crashed broker cannot say goodbye: its ephemeral znodes (/controller, /brokers/ids/\(first.id)) stay \
            until ZooKeeper expires its session. Its session times out after \(sessionTimeoutSeconds) s, \
            so expect about \(sessionTimeoutSeconds) s of silence. Then every broker's /controller watch fires, they race \
            again, and the winner bumps /controller_epoch.
            """)
        let killedAt = ContinuousClock.now
        try cluster.kill(.broker(first.id), signal: .kill)
        narrator.say("Broker \(first.id) killed. Polling /controller…")
        let second = try await poll("a new controller after killing broker \(first.id)", timeout: .seconds(45)) { () async throws -> (id: Int, json: String)? in
            guard let current = try await controller(zk), current.id != first.id else { return nil }
            return current
        }
        let secondEpoch = try await controllerEpoch(zk)
        narrator.say(String(format: "New controller after %.1f s:", seconds(since: killedAt)))
        narrator.znode(ZNodePaths.controller, second.json)
        narrator.znode(ZNodePaths.controllerEpoch, "\(secondEpoch.epoch)", version: secondEpoch.version,
            note: "was \(firstEpoch.epoch) (version \(firstEpoch.version))")
        narrator.say("→ Broker \(second.id) is the new controller (controller epoch \(firstEpoch.epoch) → \(secondEpoch.epoch)).")
        narrator.say("""
            Its failover (onControllerFailover) read every broker, topic and partition state from ZooKeeper. \
            Broker \(first.id) is not registered any more (its session expired with /controller), so its replicas go \
            OfflineReplica, which removes it from each ISR, and partitions it led go OfflinePartition → \
            OnlinePartition with a new leader from the ISR. If broker \(first.id)'s registration outlives \
            /controller, the new controller's BrokerChange handles it the same way.
            """)
        // States read before the new controller has finished its failover can be half-way (a partition offline,
        // leader -1, while its replicas are alive): wait for the trace's failover-complete milestone of the new
        // epoch, then for every partition to be led and clear of the dead broker.
        _ = try? await poll("broker \(second.id) to complete its failover (controller trace)", timeout: .seconds(30)) { () async throws -> Bool? in
            let trace = try TraceCommand.readTrace(directory: cluster.directory)
            return trace.entries.contains { entry in
                guard let milestone = entry.milestone else { return false }
                return milestone.kind == .failoverCompleted && milestone.controllerEpoch == secondEpoch.epoch
            } ? true : nil
        }
        let afterFirstKill = try await poll("broker \(first.id) to leave every leader and ISR", timeout: .seconds(30)) { () async throws -> [Int32: PartitionStateView]? in
            let states = try await partitionStates(zk)
            return states.count == Int(Self.partitionCount) && !mentions(states, first.id) && everyPartitionLed(states) ? states : nil
        }
        showStates(afterFirstKill, before: created)
        try await showBrokers(zk)
        if producer.isRunning {
            let count = traffic.acknowledgedCount()
            try await poll("acknowledgements to go on with two brokers", timeout: .seconds(60)) { () async throws -> Bool? in
                traffic.acknowledgedCount() >= count + 100 ? true : nil
            }
            narrator.say("""
                → Producer: \(traffic.acknowledgedCount()) records acknowledged so far. Two replicas are still in sync \
                (min.insync.replicas=\(Self.minInsyncReplicas)), so acks=all writes go on through the new leaders.
                """)
        }

        // 5. Kill a partition leader.
        let live = [1, 2, 3].filter { $0 != first.id && $0 != second.id }
        let victim = live.first { id in afterFirstKill.values.contains { $0.state.leaderAndISR.leader == id } } ?? live[0]
        let led = afterFirstKill.keys.sorted().filter { afterFirstKill[$0]!.state.leaderAndISR.leader == victim }
        narrator.step("kill -9 a partition leader, broker \(victim)")
        narrator.say(
            led.isEmpty
                ? "Broker \(victim) leads nothing now but is in every ISR; killing it shrinks the ISRs."
                : "Broker \(victim) leads \(led.map { "\(Self.topic)-\($0)" }.joined(separator: ", ")). The controller (broker \(second.id)) stays; once the session expires (~\(sessionTimeoutSeconds) s) it elects new leaders from the ISR and shrinks the ISRs. The last ISR member is never removed.")
        let killedLeaderAt = ContinuousClock.now
        try cluster.kill(.broker(victim), signal: .kill)
        let afterSecondKill = try await poll("broker \(victim) to leave every leader and ISR", timeout: .seconds(45)) { () async throws -> [Int32: PartitionStateView]? in
            let states = try await partitionStates(zk)
            return states.count == Int(Self.partitionCount) && !mentions(states, victim) && everyPartitionLed(states) ? states : nil
        }
        narrator.say(String(format: "Partition states %.1f s after the kill:", seconds(since: killedLeaderAt)))
        showStates(afterSecondKill, before: afterFirstKill)
        let unchanged = try await controller(zk)
        narrator.say("→ /controller still names broker \(unchanged?.id ?? -1): a leader failure is handled by the controller, not a new election.")
        if producer.isRunning {
            let before = traffic.acknowledgedCount()
            try await Task.sleep(for: .seconds(3))
            let after = traffic.acknowledgedCount()
            narrator.say("""
                → Producer: \(before) → \(after) records acknowledged over 3 s. With one replica in sync, below \
                min.insync.replicas=\(Self.minInsyncReplicas), the leader refuses acks=all writes (NOT_ENOUGH_REPLICAS) instead \
                of acknowledging data a single broker holds; the producer keeps retrying them.
                """)
        }

        // 6. Restart both.
        narrator.step("Restart brokers \(first.id) and \(victim)")
        let restartMs = ControllerMilestoneTraceRecord.nowMs()
        try cluster.start(.broker(first.id))
        try cluster.start(.broker(victim))
        try await poll("brokers \(first.id) and \(victim) to register again in /brokers/ids", timeout: .seconds(30)) { () async throws -> Bool? in
            let ids = try await zk.getChildren(ZNodePaths.brokerIDs).children
            return ids.count == 3 ? true : nil
        }
        narrator.say("Both registered again, with new broker epochs (czxid):")
        try await showBrokers(zk)
        narrator.say("""
            The controller sees them in its BrokerChange (new brokers), sends them UpdateMetadata and LeaderAndIsr, \
            and moves their replicas to OnlineReplica. They come back as followers: leadership does not move back \
            on its own (a preferred-replica election would do that), and they rejoin an ISR only once the leader \
            has them caught up and records that in the state znode.
            """)
        // Let the controller's BrokerChange for the restarted brokers reach the trace.
        _ = try? await poll("the controller to trace the restarted brokers", timeout: .seconds(20)) { () async throws -> Bool? in
            let trace = try TraceCommand.readTrace(directory: cluster.directory)
            return trace.entries.contains { entry in
                guard let milestone = entry.milestone, milestone.kind == .brokerChange, milestone.timeMs >= restartMs else { return false }
                return Set(milestone.liveBrokers ?? []).isSuperset(of: [Int32(first.id), Int32(victim)])
            } ? true : nil
        }
        showStates(try await partitionStates(zk), before: afterSecondKill)

        // 7. What the producer got acknowledged, against what the brokers hold.
        if let running = producer.take() {
            narrator.step("Stop the producer, consume everything, and compare")
            let count = traffic.acknowledgedCount()
            let resumed = try? await poll("acknowledgements to resume after the restarts", timeout: .seconds(90)) { () async throws -> Bool? in
                traffic.acknowledgedCount() >= count + 100 ? true : nil
            }
            narrator.say(
                resumed == nil
                    ? "Acknowledgements did not resume within 90 s of the restarts (\(traffic.acknowledgedCount()) so far)."
                    : "Once the restarted brokers caught up and rejoined the ISRs, acknowledgements resumed: \(traffic.acknowledgedCount()) so far.")
            let summary = try traffic.stopProducer(running)
            narrator.say("""
                The producer sent \(summary.produced) records: \(summary.acknowledged) acknowledged, \(summary.failed) failed\
                \(summary.errors.isEmpty ? "" : " (\(summary.errors.map { "\($0.key): \($0.value)" }.sorted().joined(separator: ", ")))").
                A consumer now reads every partition of '\(Self.topic)' from the beginning (assign, no consumer group) and \
                looks up each acknowledged record at its partition and offset.
                """)
            let verification = try traffic.verify(bootstrap: bootstrap, topic: Self.topic)
            narrator.say("→ acknowledged \(verification.acknowledged) records, consumed \(verification.consumed), missing \(verification.missing)")
            if verification.missing > 0 {
                narrator.problem("Acknowledged records missing (partition offset value): \(verification.firstMissing.joined(separator: "; "))")
            }
        }

        // 8. The timeline.
        narrator.step("The timeline, from the brokers' controller-trace.jsonl files")
        narrator.say("""
            Columns: time, the broker whose controller wrote the line, its controller epoch (- when it was not \
            controller). ★ marks an election; indented lines are partition and replica state transitions, written \
            while the event above them was processed. Runs of broker answers to LeaderAndIsr/UpdateMetadata are folded.
            """)
        let trace = try TraceCommand.readTrace(directory: cluster.directory)
        narrator.say(TraceTimelineRenderer().render(TraceFilter().apply(to: trace.entries)))
        let summary = trace.entries.compactMap(\.milestone).filter { $0.kind == .elected }
            .map { "broker \($0.brokerID) (epoch \($0.controllerEpoch ?? -1))" }
        narrator.say("Controllers, in order: \(summary.joined(separator: " → ")).")
    }

    func printExploreHints() {
        let descriptor = try? cluster.descriptor()
        let bootstrap = descriptor?.brokers.map { "\($0.host):\($0.port)" }.joined(separator: ",") ?? "127.0.0.1:9092"
        let zookeeper = descriptor?.zookeeper.servers.first.map { "\($0.host):\($0.clientPort)" } ?? "127.0.0.1:2181"
        let partitionHint = containers ? "\n  zkafka cluster partition --dir \(cluster.directory) --broker 2   (then cluster heal)" : ""
        narrator.step("The cluster keeps running (--keep)")
        narrator.say("""
            Explore it:
              zkafka trace --dir \(cluster.directory)
              zkafka trace --dir \(cluster.directory) --topic \(Self.topic) --partition 0
              zkafka trace --dir \(cluster.directory) --json
              kcat -b \(bootstrap) -L
              kcat -b \(bootstrap) -C -t \(Self.topic) -e -f '%p %o %k %s\\n'
              /usr/share/zookeeper/bin/zkCli.sh -server \(zookeeper)
                  get /controller    get /controller_epoch    ls /brokers/ids
                  get /brokers/topics/\(Self.topic)/partitions/0/state
              zkafka cluster kill --dir \(cluster.directory) --broker 1\(partitionHint)
              zkafka cluster status --dir \(cluster.directory)
            Stop it with:
              zkafka cluster down --dir \(cluster.directory)
            """)
    }

    // MARK: - Reading znodes

    private func controller(_ zk: ZooKeeperClient) async throws -> (id: Int, json: String)? {
        guard let (data, _) = try await dataIfExists(zk, ZNodePaths.controller) else { return nil }
        let node = try ControllerZNode.decode(data)
        return (Int(node.brokerID), String(decoding: data ?? [], as: UTF8.self))
    }

    private func controllerEpoch(_ zk: ZooKeeperClient) async throws -> (epoch: Int32, version: Int32) {
        let (data, stat) = try await zk.getData(ZNodePaths.controllerEpoch)
        return (try ControllerEpochZNode.decode(data), stat.version)
    }

    private func showBrokers(_ zk: ZooKeeperClient) async throws {
        let ids = try await zk.getChildren(ZNodePaths.brokerIDs).children.compactMap(Int32.init).sorted()
        for id in ids {
            guard let (data, stat) = try await dataIfExists(zk, ZNodePaths.broker(id)) else { continue }
            narrator.znode(ZNodePaths.broker(id), String(decoding: data ?? [], as: UTF8.self), note: "broker epoch (czxid) \(stat.czxid)")
        }
        if ids.count < 3 { narrator.say("  (\(3 - ids.count) of 3 brokers not registered)") }
    }

    private func partitionStates(_ zk: ZooKeeperClient) async throws -> [Int32: PartitionStateView] {
        var states: [Int32: PartitionStateView] = [:]
        for partition in 0..<Self.partitionCount {
            let path = ZNodePaths.partitionState(Self.topic, partition)
            guard let (data, stat) = try await dataIfExists(zk, path) else { continue }
            let state = try TopicPartitionStateZNode.decode(
                TopicPartition(topic: Self.topic, partition: partition), data: data, zkVersion: stat.version)
            states[partition] = PartitionStateView(json: String(decoding: data ?? [], as: UTF8.self), state: state, version: stat.version)
        }
        return states
    }

    private func dataIfExists(_ zk: ZooKeeperClient, _ path: String) async throws -> ([UInt8]?, ZNodeStat)? {
        do {
            let (data, stat) = try await zk.getData(path)
            return (data, stat)
        } catch let error as ZooKeeperError where error.code == .noNode {
            return nil
        }
    }

    // MARK: - Showing

    private func showStates(_ states: [Int32: PartitionStateView], before: [Int32: PartitionStateView]?) {
        for partition in states.keys.sorted() {
            let view = states[partition]!
            narrator.znode(ZNodePaths.partitionState(Self.topic, partition), view.json, version: view.version)
        }
        guard let before else { return }
        for partition in states.keys.sorted() {
            guard let old = before[partition]?.state, let new = states[partition]?.state else { continue }
            var changes: [String] = []
            if old.leaderAndISR.leader != new.leaderAndISR.leader {
                changes.append("leader \(old.leaderAndISR.leader) → \(new.leaderAndISR.leader)")
            }
            if old.leaderAndISR.isr != new.leaderAndISR.isr {
                changes.append("isr \(old.leaderAndISR.isr) → \(new.leaderAndISR.isr)")
            }
            if old.leaderAndISR.leaderEpoch != new.leaderAndISR.leaderEpoch {
                changes.append("leader epoch \(old.leaderAndISR.leaderEpoch) → \(new.leaderAndISR.leaderEpoch)")
            }
            if changes.isEmpty {
                narrator.say("  → \(Self.topic)-\(partition): unchanged")
            } else {
                narrator.say("  → \(Self.topic)-\(partition): \(changes.joined(separator: ", ")) (written by controller epoch \(new.controllerEpoch))")
            }
        }
    }

    /// Every partition has a leader (with one replica alive at least, the controller always elects one).
    private func everyPartitionLed(_ states: [Int32: PartitionStateView]) -> Bool {
        states.values.allSatisfy { $0.state.leaderAndISR.leader >= 0 }
    }

    private func mentions(_ states: [Int32: PartitionStateView], _ broker: Int) -> Bool {
        states.values.contains { view in
            view.state.leaderAndISR.leader == Int32(broker) || view.state.leaderAndISR.isr.contains(Int32(broker))
        }
    }

    private func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    @discardableResult
    private func poll<T: Sendable>(
        _ what: String, timeout: Duration, interval: Duration = .milliseconds(250), _ body: () async throws -> T?
    ) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let value = try await body() { return value }
            if ContinuousClock.now >= deadline {
                throw DemoTimeout(description: "timed out after \(timeout.components.seconds) s waiting for \(what)")
            }
            try await Task.sleep(for: interval)
        }
    }
}

/// The running producer, if any, shared by the tour's steps and its error path.
final class DemoProducerSlot: Sendable {
    private let process = Mutex<ChildProcess?>(nil)

    func put(_ producer: ChildProcess) { process.withLock { $0 = producer } }
    func take() -> ChildProcess? { process.withLock { $0.take() } }
    var isRunning: Bool { process.withLock { $0 != nil } }
}
