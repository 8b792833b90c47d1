import ControllerTraceReader
import Foundation
import KafkaClient
import KafkaController
import KafkaProtocol
import LocalCluster

/// `zkafka demo --mode kraft`: the ZooKeeper-mode tour's steps on a KRaft cluster (3 controllers,
/// 3 brokers). Instead of znodes it shows each controller's Raft role and epoch and the brokers'
/// metadata; partition states are printed only once a failover is complete (the new leader's `elected`
/// milestone in its controller trace, or `failoverCompleted` if written). Without KRaft brokers (a
/// zkafka that cannot run `process.roles=broker`), the tour shows the quorum's election and failover only.
struct KRaftDemoTour: Sendable {
    let cluster: LocalCluster
    let narrator: DemoNarrator
    static let topic = DemoTour.topic
    static let partitionCount = DemoTour.partitionCount

    func run() async throws {
        let producer = DemoProducerSlot()
        do {
            try await run(traffic: DemoTraffic(directory: cluster.directory), producer: producer)
        } catch {
            producer.take()?.forceStop()  // never leave a producer behind a failed tour
            throw error
        }
    }

    private func run(traffic: DemoTraffic, producer: DemoProducerSlot) async throws {
        narrator.step("Bring up a KRaft cluster: 3 controllers and 3 brokers")
        narrator.say("Directory: \(cluster.directory)")
        narrator.say("""
            A cluster id (`zkafka storage random-uuid`), `zkafka storage format` on every node, then controllers 3001-3003 \
            (process.roles=controller) and brokers 1-3 (process.roles=broker). No ZooKeeper: the controllers keep \
            the metadata in a Raft-replicated log, __cluster_metadata.
            """)
        let outcome = try cluster.upKRaft(controllers: 3, brokers: 3)
        for note in outcome.notes { narrator.say("Note: \(note).") }
        narrator.say(try cluster.status().table())

        narrator.step("The controller election (Raft, KIP-595)")
        narrator.say("""
            Each controller started unattached; one whose election timeout (controller.quorum.election.timeout.ms=1000, \
            randomized) ran out first became a candidate in a new epoch and asked the others for their Vote. With a \
            majority it became leader — the active controller — and wrote a LeaderChange record; the others follow it \
            by fetching the log (Fetch), as followers of a partition do. No separate session store decides who leads.
            """)
        let first = try await poll("a quorum leader", timeout: .seconds(30)) { try cluster.status().activeControllerID }
        let firstEpoch = try cluster.status().controllers.first { $0.id == first }?.quorum.epoch ?? -1
        narrator.say("→ Controller \(first) is the active controller (Raft epoch \(firstEpoch)).")

        let brokers = outcome.descriptor.brokers
        let bootstrap = brokers.map { "\($0.host):\($0.port)" }.joined(separator: ",")
        var before: [Int32: MetadataResponse.MetadataResponsePartition] = [:]
        if !brokers.isEmpty {
            narrator.step("Create topic '\(Self.topic)': 3 partitions, replication factor 3")
            narrator.say("""
                CreateTopics goes to a broker, which forwards it to the active controller. The controller appends a \
                TopicRecord and one PartitionRecord per partition; once a majority of controllers has them (committed), \
                every broker reads them from the log into its metadata cache and becomes leader or follower.
                """)
            // The broker places the replicas over the unfenced brokers it knows (docs/kraft.md): wait until its
            // metadata has caught up with every broker's unfencing, or RF 3 is refused right after start-up.
            try await poll("broker \(brokers[0].id) to see \(brokers.count) live brokers", timeout: .seconds(30)) {
                try await liveBrokerCount(at: brokers[0]) >= brokers.count ? true : nil
            }
            try await createTopic(through: brokers[0])
            before = try await poll("every partition of '\(Self.topic)' to have a leader", timeout: .seconds(30)) {
                let states = try await partitionStates()
                return states.count == Int(Self.partitionCount) && states.values.allSatisfy { $0.leaderId >= 0 } ? states : nil
            }
            show(before, previous: nil)
            if let reason = DemoTraffic.unavailableReason() {
                narrator.say("Skipping the producer and consumer: \(reason).")
            } else {
                narrator.say("An acks=all producer now sends about 100 records a second through every failure that follows.")
                producer.put(try traffic.startProducer(bootstrap: bootstrap, topic: Self.topic))
            }
        }

        narrator.step("kill -9 the active controller, controller \(first)")
        narrator.say("""
            The followers notice when their fetches go unanswered for controller.quorum.fetch.timeout.ms (2000 ms): one \
            becomes a candidate in a new epoch and wins a vote. It already has every committed record in memory (a hot \
            standby), so there is no context to load from a store, unlike ZooKeeper mode's onControllerFailover.
            """)
        let killedAt = ContinuousClock.now
        try cluster.kill(.controller(first), signal: .kill)
        let second = try await poll("a new quorum leader", timeout: .seconds(45)) { () async throws -> Int? in
            guard let leader = try cluster.status().activeControllerID, leader != first else { return nil }
            return leader
        }
        let status = try cluster.status()
        let secondEpoch = status.controllers.first { $0.id == second }?.quorum.epoch ?? -1
        narrator.say(String(format: "New active controller after %.1f s: controller %d, Raft epoch %d → %d.",
            (ContinuousClock.now - killedAt).seconds, second, firstEpoch, secondEpoch))
        narrator.say(status.table())
        // Show states only once the new controller's failover is complete in its own trace.
        let completed = try? await poll("controller \(second) to mark its failover complete (controller trace)", timeout: .seconds(20)) {
            () async throws -> Bool? in
            try traceMarksFailover(by: second, epoch: secondEpoch) ? true : nil
        }
        if completed == nil { narrator.say("(Controller \(second)'s trace does not mark the failover; showing the states anyway.)") }
        if !brokers.isEmpty {
            let after = try await partitionStates()
            show(after, previous: before)
            narrator.say("→ No broker died, so no partition changed: the brokers kept serving while the quorum elected.")
            before = after
        }

        var victim: Int?
        if !brokers.isEmpty {
            let leader = before.values.map(\.leaderId).first { $0 >= 0 } ?? 1
            victim = Int(leader)
            narrator.step("kill -9 a partition leader, broker \(leader)")
            narrator.say("""
                The broker stops heartbeating (broker.heartbeat.interval.ms=2000). After broker.session.timeout.ms (9000) \
                the active controller fences it: PartitionChangeRecords move its leaderships to other ISR members and \
                drop it from the ISRs, then a BrokerRegistrationChangeRecord marks it fenced.
                """)
            let killedLeaderAt = ContinuousClock.now
            try cluster.kill(.broker(Int(leader)), signal: .kill)
            let after = try await poll("broker \(leader) to leave every leader and ISR", timeout: .seconds(45)) {
                let states = try await partitionStates(skipping: Int(leader))
                let clear = states.values.allSatisfy { $0.leaderId >= 0 && $0.leaderId != leader && !$0.isrNodes.contains(leader) }
                return states.count == Int(Self.partitionCount) && clear ? states : nil
            }
            narrator.say(String(format: "Partition states %.1f s after the kill:", (ContinuousClock.now - killedLeaderAt).seconds))
            show(after, previous: before)
            before = after
        }

        narrator.step("Restart controller \(first)\(victim.map { " and broker \($0)" } ?? "")")
        try cluster.start(.controller(first))
        if let victim { try cluster.start(.broker(victim)) }
        narrator.say("""
            Controller \(first) comes back as a follower of epoch \(secondEpoch)'s leader and catches up by fetching. \
            A restarted broker registers again (a new broker epoch), catches up with the metadata log and is unfenced; \
            it rejoins ISRs once its replicas have caught up (AlterPartition from the leaders).
            """)
        narrator.say(try cluster.status().table())

        if let running = producer.take() {
            narrator.step("Stop the producer, consume everything, and compare")
            let summary = try traffic.stopProducer(running)
            narrator.say("The producer sent \(summary.produced) records: \(summary.acknowledged) acknowledged, \(summary.failed) failed.")
            let verification = try traffic.verify(bootstrap: bootstrap, topic: Self.topic)
            narrator.say("→ acknowledged \(verification.acknowledged) records, consumed \(verification.consumed), missing \(verification.missing)")
            if verification.missing > 0 {
                narrator.problem("Acknowledged records missing (partition offset value): \(verification.firstMissing.joined(separator: "; "))")
            }
        }

        narrator.step("The timeline, from the controllers' controller-trace.jsonl files")
        if let trace = try? TraceCommand.readTrace(directory: cluster.directory) {
            narrator.say("""
                Topic '\(Self.topic)' and the milestones (★ elections). Every controller replays the same committed records \
                (hot standbys), so each partition change appears once per controller, with the record and offset that \
                caused it; `zkafka trace --dir \(cluster.directory)` shows everything (the group coordinator's \
                __consumer_offsets too).
                """)
            narrator.say(TraceTimelineRenderer().render(TraceFilter(topic: Self.topic).apply(to: trace.entries)))
        } else {
            narrator.say("(No controller traces in \(cluster.directory) yet: this zkafka's controllers do not write them.)")
        }
    }

    // MARK: - Brokers' view

    private func createTopic(through broker: ClusterDescriptor.Broker) async throws {
        let connection = try await KafkaConnection.connect(host: broker.host, port: broker.port, clientID: "zkafka-demo", timeout: .seconds(10))
        defer { Task { await connection.close() } }
        let request = CreateTopicsRequest(
            topics: [.init(name: Self.topic, numPartitions: Self.partitionCount, replicationFactor: 3,
                configs: [.init(name: "min.insync.replicas", value: String(DemoTour.minInsyncReplicas))])],
            timeoutMs: 30_000)
        let response = try await connection.send(request, version: 4, timeout: .seconds(40))
        if let result = response.topics.first, result.errorCode != 0, result.errorCode != 36 {  // 36: TOPIC_ALREADY_EXISTS
            throw DemoTimeout(description: "CreateTopics '\(Self.topic)' failed: error \(result.errorCode) \(result.errorMessage ?? "")")
        }
    }

    /// How many live brokers `broker`'s Metadata answer lists.
    private func liveBrokerCount(at broker: ClusterDescriptor.Broker) async throws -> Int {
        let connection = try await KafkaConnection.connect(host: broker.host, port: broker.port, clientID: "zkafka-demo", timeout: .seconds(10))
        defer { Task { await connection.close() } }
        return try await connection.send(MetadataRequest(topics: [], allowAutoTopicCreation: false), version: 5).brokers.count
    }

    /// The partitions of the demo topic as the first running broker (other than `skipping`) reports them.
    private func partitionStates(skipping: Int? = nil) async throws -> [Int32: MetadataResponse.MetadataResponsePartition] {
        guard let broker = try cluster.descriptor().brokers.first(where: { $0.pid != nil && $0.id != skipping }) else { return [:] }
        let connection = try await KafkaConnection.connect(host: broker.host, port: broker.port, clientID: "zkafka-demo", timeout: .seconds(10))
        defer { Task { await connection.close() } }
        let response = try await connection.send(
            MetadataRequest(topics: [.init(name: Self.topic)], allowAutoTopicCreation: false), version: 5)
        var states: [Int32: MetadataResponse.MetadataResponsePartition] = [:]
        for topic in response.topics where topic.name == Self.topic && topic.errorCode == 0 {
            for partition in topic.partitions { states[partition.partitionIndex] = partition }
        }
        return states
    }

    private func show(_ states: [Int32: MetadataResponse.MetadataResponsePartition], previous: [Int32: MetadataResponse.MetadataResponsePartition]?) {
        for partition in states.keys.sorted() {
            let state = states[partition]!
            var line = "  \(Self.topic)-\(partition)  leader \(state.leaderId)  isr \(state.isrNodes)"
            if let old = previous?[partition] {
                var changes: [String] = []
                if old.leaderId != state.leaderId { changes.append("leader \(old.leaderId) → \(state.leaderId)") }
                if old.isrNodes != state.isrNodes { changes.append("isr \(old.isrNodes) → \(state.isrNodes)") }
                line += changes.isEmpty ? "  (unchanged)" : "  — " + changes.joined(separator: ", ")
            }
            narrator.say(line)
        }
    }

    /// Whether controller `id`'s trace has its `elected` (or `failoverCompleted`) milestone for Raft epoch `epoch`.
    private func traceMarksFailover(by id: Int, epoch: Int) throws -> Bool {
        let trace = try TraceCommand.readTrace(directory: cluster.directory)
        return trace.entries.contains { entry in
            guard let milestone = entry.milestone, milestone.brokerID == Int32(id) else { return false }
            return (milestone.kind == .failoverCompleted || milestone.kind == .elected) && milestone.controllerEpoch == Int32(epoch)
        }
    }

    @discardableResult
    private func poll<T: Sendable>(_ what: String, timeout: Duration, _ body: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let value = try? await body() { return value }
            if ContinuousClock.now >= deadline {
                throw DemoTimeout(description: "timed out after \(timeout.components.seconds) s waiting for \(what)")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}

extension Duration {
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
