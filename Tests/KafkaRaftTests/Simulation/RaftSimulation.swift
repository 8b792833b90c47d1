import KafkaRaft

/// A deterministic simulation of a KRaft quorum (after Kafka's `RaftEventSimulationTest`): Raft
/// cores wired through a simulated network that loses, duplicates, delays and reorders messages
/// and partitions members; members crash and restart with only what they fsynced. One seeded
/// generator and one virtual clock drive everything, so a seed replays its schedule exactly.
/// After a chaotic phase the network heals; the quorum must then elect a leader and commit a new
/// append within `livenessBoundMs`.
final class RaftSimulation {
    struct Parameters: CustomStringConvertible {
        var voterCount = 3
        var observerCount = 0
        var chaosDurationMs: Int64 = 4000
        var lossRate = 0.05
        var duplicateRate = 0.02
        var minDelayMs: Int64 = 1
        var maxDelayMs: Int64 = 20
        /// Mean time between chaos actions (crash, restart, partition, heal).
        var chaosIntervalMs: Int64 = 700
        var appendIntervalMs: Int64 = 100
        var snapshotIntervalMs: Int64 = 900
        /// Upper bound of an fsync's latency: the window in which a crash loses appended records.
        var maxFlushLatencyMs: Int64 = 5
        /// FetchSnapshot chunk size: snapshots here are 8 bytes, so 1-8 exercises chunking.
        var snapshotChunkBytes = 8
        var livenessBoundMs: Int64 = 20_000

        static func random(_ random: inout DeterministicRandom) -> Parameters {
            var parameters = Parameters()
            parameters.voterCount = [1, 3, 3, 3, 5, 5][Int(random.nextInt64(below: 6))]
            parameters.observerCount = Int(random.nextInt64(below: 3))
            parameters.chaosDurationMs = 1000 + random.nextInt64(below: 5000)
            parameters.lossRate = Double(random.nextInt64(below: 25)) / 100
            parameters.duplicateRate = Double(random.nextInt64(below: 10)) / 100
            parameters.minDelayMs = 1 + random.nextInt64(below: 5)
            parameters.maxDelayMs = parameters.minDelayMs + random.nextInt64(below: 60)
            // One schedule in three is a crash storm: faults every few tens of milliseconds.
            parameters.chaosIntervalMs =
                random.nextInt64(below: 3) == 0 ? 20 + random.nextInt64(below: 200) : 200 + random.nextInt64(below: 1500)
            parameters.appendIntervalMs = 30 + random.nextInt64(below: 300)
            parameters.snapshotIntervalMs = 300 + random.nextInt64(below: 2000)
            parameters.maxFlushLatencyMs = 1 + random.nextInt64(below: 40)
            parameters.snapshotChunkBytes = 1 + Int(random.nextInt64(below: 8))
            return parameters
        }

        var description: String {
            "voters \(voterCount), observers \(observerCount), chaos \(chaosDurationMs) ms, loss \(lossRate), dup \(duplicateRate), "
                + "delay \(minDelayMs)-\(maxDelayMs) ms, chaos every ~\(chaosIntervalMs) ms, "
                + "append every \(appendIntervalMs) ms, snapshot every ~\(snapshotIntervalMs) ms, fsync within \(maxFlushLatencyMs) ms, snapshot chunks of \(snapshotChunkBytes) B"
        }
    }

    enum Event {
        case deliver(RaftEnvelope)
        case tick(node: Int32)
        case flushCompleted(node: Int32, incarnation: Int)
        case chaos
        case heal
        case clientAppend
        case takeSnapshot(node: Int32)
    }

    struct Outcome {
        var seed: UInt64
        var parameters: Parameters
        var violation: String?
        var finalTimeMs: Int64
        var events: Int
        var committedRecords: Int
        var statistics: Statistics
    }

    /// What a schedule exercised, to show the faults actually bite.
    struct Statistics {
        var crashes = 0
        var elections = 0
        var truncations = 0
        var snapshotsTaken = 0
        var snapshotInstalls = 0
        var messagesLost = 0
        var messagesDuplicated = 0
        var resignations = 0
        /// The longest time from healing to the first post-heal append being committed.
        var slowestRecoveryMs: Int64 = 0

        mutating func add(_ other: Statistics) {
            slowestRecoveryMs = max(slowestRecoveryMs, other.slowestRecoveryMs)
            crashes += other.crashes
            elections += other.elections
            truncations += other.truncations
            snapshotsTaken += other.snapshotsTaken
            snapshotInstalls += other.snapshotInstalls
            messagesLost += other.messagesLost
            messagesDuplicated += other.messagesDuplicated
            resignations += other.resignations
        }
    }

    let seed: UInt64
    let parameters: Parameters
    let config: RaftConfig
    var random: DeterministicRandom
    var queue = EventQueue<Event>()
    var nodes: [Int32: SimulatedNode] = [:]
    var voterIds: [Int32]
    /// Voters, then observers (non-voters that follow the log, as brokers do).
    var memberIds: [Int32]
    var now: Int64 = 0
    /// Partition group of each member; members talk only within a group.
    var partitionGroup: [Int32: Int] = [:]
    var healed = false
    var healedAt: Int64 = 0
    var nextClientId: UInt64 = 1
    var firstClientIdAfterHeal: UInt64?
    var checker = InvariantChecker()
    var eventCount = 0
    var statistics = Statistics()
    /// Prints every step (set `KRAFT_SIM_TRACE=1` when replaying one seed).
    var trace = false

    init(seed: UInt64, parameters: Parameters? = nil, config: RaftConfig = RaftConfig()) {
        self.seed = seed
        var random = DeterministicRandom(seed: seed)
        self.parameters = parameters ?? Parameters.random(&random)
        self.random = random
        var config = config
        config.maxSnapshotChunkBytes = self.parameters.snapshotChunkBytes
        self.config = config
        voterIds = (1...Int32(self.parameters.voterCount)).map { $0 }
        memberIds = voterIds + (0..<Int32(self.parameters.observerCount)).map { 101 + $0 }
        for id in memberIds { nodes[id] = SimulatedNode(id: id) }
    }

    func run() -> Outcome {
        for id in memberIds { start(id) }
        queue.schedule(.chaos, at: parameters.chaosIntervalMs)
        queue.schedule(.heal, at: parameters.chaosDurationMs)
        queue.schedule(.clientAppend, at: parameters.appendIntervalMs)
        for id in memberIds { queue.schedule(.takeSnapshot(node: id), at: randomDelay(around: parameters.snapshotIntervalMs)) }
        let endTime = parameters.chaosDurationMs + parameters.livenessBoundMs
        while checker.violation == nil, let (time, event) = queue.popFirst() {
            if time > endTime { break }
            now = time
            eventCount += 1
            handle(event)
            if isLive { break }
        }
        var violation = checker.violation
        if isLive { statistics.slowestRecoveryMs = now - healedAt }
        if violation == nil, !isLive {
            violation =
                livenessOffset == nil
                ? "liveness: no append made after the network healed at \(healedAt) ms was committed by \(endTime) ms"
                : "liveness: observers did not reach the committed offset \(livenessOffset!) by \(endTime) ms"
        }
        return Outcome(
            seed: seed, parameters: parameters, violation: violation, finalTimeMs: now, events: eventCount,
            committedRecords: checker.committedLog.count, statistics: statistics)
    }

    /// The committed log's length when an append made after healing was first committed.
    var livenessOffset: Int64?

    /// An append made after healing is committed, and every observer has caught up to it.
    var isLive: Bool {
        if livenessOffset == nil {
            guard healed, let first = firstClientIdAfterHeal, let committed = checker.maxCommittedClientId, committed >= first
            else { return false }
            livenessOffset = Int64(checker.committedLog.count)
        }
        return memberIds.allSatisfy { id in
            voterIds.contains(id) || (nodes[id]!.instance?.highWatermark ?? -1) >= livenessOffset!
        }
    }

    // MARK: Events

    func handle(_ event: Event) {
        switch event {
        case .deliver(let envelope):
            guard let node = nodes[envelope.destination], node.isRunning, connected(envelope.source, envelope.destination)
            else { return }
            step(node) { $0.onMessage(envelope, now: now) }
        case .tick(let id):
            guard let node = nodes[id], node.scheduledTick == now else { return }
            node.scheduledTick = nil
            step(node) { $0.onTick(now: now) }
        case .flushCompleted(let id, let incarnation):
            guard let node = nodes[id], node.isRunning, node.incarnation == incarnation else { return }
            let endOffset = node.disk.flush()
            step(node) { $0.onLogFlushed(endOffset: endOffset, now: now) }
        case .chaos:
            guard !healed else { return }
            performChaosAction()
            if trace { print("t=\(now) chaos: running \(memberIds.filter { nodes[$0]!.isRunning }) partition \(partitionGroup)") }
            queue.schedule(.chaos, at: now + randomDelay(around: parameters.chaosIntervalMs))
        case .heal:
            healed = true
            healedAt = now
            partitionGroup = [:]
            for id in memberIds where !nodes[id]!.isRunning { start(id) }
        case .clientAppend:
            appendToALeader()
            queue.schedule(.clientAppend, at: now + parameters.appendIntervalMs)
        case .takeSnapshot(let id):
            if let node = nodes[id], node.isRunning { takeSnapshot(node) }
            queue.schedule(.takeSnapshot(node: id), at: now + randomDelay(around: parameters.snapshotIntervalMs))
        }
    }

    /// Feeds one input to a member's core, carries out its directives, then checks the invariants.
    func step(_ node: SimulatedNode, _ input: (inout RaftInstance) -> [RaftDirective]) {
        let directives = input(&node.instance!)
        if trace, let instance = node.instance {
            let sent = directives.compactMap { directive -> String? in
                guard case .send(let envelope) = directive else { return nil }
                return "\(envelope.destination):\(String(describing: envelope.message).prefix(90))"
            }
            print("t=\(now) node \(node.id) \(instance.state.name) epoch \(instance.epoch) leader \(instance.leaderId.map(String.init) ?? "-") log \(instance.log.startOffset)..<\(instance.log.endOffset) flushed \(instance.flushedOffset) hw \(instance.highWatermark) sent \(sent)")
        }
        perform(directives, on: node)
        checker.check(node)
        if checker.newLeaderElected {
            checker.newLeaderElected = false
            checker.checkLogMatching(memberIds.map { nodes[$0]! })
        }
        scheduleTick(node)
    }

    func perform(_ directives: [RaftDirective], on node: SimulatedNode) {
        for directive in directives {
            node.disk.apply(directive)
            switch directive {
            case .truncateLog:
                statistics.truncations += 1
            case .halt(let reason):
                checker.recordViolation("member \(node.id) halted: \(reason)")
            case .writeSnapshot:
                statistics.snapshotsTaken += 1
            case .leaderChanged(_, let leaderId) where leaderId == node.id:
                statistics.elections += 1
            case .send(let envelope):
                send(envelope)
            case .flushLog:
                queue.schedule(.flushCompleted(node: node.id, incarnation: node.incarnation), at: now + random.nextInt64(below: parameters.maxFlushLatencyMs + 1))
            case .installSnapshot(let snapshot):
                statistics.snapshotInstalls += 1
                node.stateMachine.load(snapshot)
                checker.checkApplied(node, offset: snapshot.id.offset, digest: node.stateMachine.digest)
            case .highWatermarkAdvanced:
                checker.check(node)
                applyCommitted(node)
            default:
                break
            }
        }
    }

    /// The state machine applies records up to the high watermark.
    func applyCommitted(_ node: SimulatedNode) {
        guard let instance = node.instance else { return }
        let log = instance.log
        if node.stateMachine.appliedOffset < log.startOffset, let snapshot = log.latestSnapshot {
            node.stateMachine.load(snapshot)
        }
        guard node.stateMachine.appliedOffset < instance.highWatermark else { return }
        while node.stateMachine.appliedOffset < instance.highWatermark {
            guard let record = log.record(at: node.stateMachine.appliedOffset) else { break }
            node.stateMachine.apply(record)
        }
        checker.checkApplied(node, offset: node.stateMachine.appliedOffset, digest: node.stateMachine.digest)
    }

    func scheduleTick(_ node: SimulatedNode) {
        guard let instance = node.instance else { return }
        let deadline = max(instance.nextDeadline, now + 1)
        guard deadline != Int64.max else { return }
        if let scheduled = node.scheduledTick, scheduled <= deadline, scheduled > now { return }
        node.scheduledTick = deadline
        queue.schedule(.tick(node: node.id), at: deadline)
    }

    // MARK: Network

    func connected(_ a: Int32, _ b: Int32) -> Bool {
        (partitionGroup[a] ?? 0) == (partitionGroup[b] ?? 0)
    }

    func send(_ envelope: RaftEnvelope) {
        guard connected(envelope.source, envelope.destination) else { return }
        let (loss, duplicate) = healed ? (0.0, 0.0) : (parameters.lossRate, parameters.duplicateRate)
        if chance(loss) {
            statistics.messagesLost += 1
            return
        }
        let copies = chance(duplicate) ? 2 : 1
        if copies == 2 { statistics.messagesDuplicated += 1 }
        for _ in 0..<copies {
            let delay = parameters.minDelayMs + random.nextInt64(below: parameters.maxDelayMs - parameters.minDelayMs + 1)
            queue.schedule(.deliver(envelope), at: now + delay)
        }
    }

    func chance(_ probability: Double) -> Bool {
        probability > 0 && Double(random.nextInt64(below: 1_000_000)) < probability * 1_000_000
    }

    func randomDelay(around mean: Int64) -> Int64 { 1 + mean / 2 + random.nextInt64(below: mean) }

    // MARK: Faults

    func performChaosAction() {
        let running = memberIds.filter { nodes[$0]!.isRunning }
        let stopped = memberIds.filter { !nodes[$0]!.isRunning }
        switch random.nextInt64(below: 7) {
        case 0 where !running.isEmpty:
            crash(running[Int(random.nextInt64(below: Int64(running.count)))])
        case 1 where !stopped.isEmpty:
            start(stopped[Int(random.nextInt64(below: Int64(stopped.count)))])
        case 2:
            // A random split into two sides.
            partitionGroup = [:]
            for id in memberIds { partitionGroup[id] = Int(random.nextInt64(below: 2)) }
        case 3:
            partitionGroup = [:]
        case 5:
            // Graceful resignation (EndQuorumEpoch to the preferred successors).
            if let leader = running.first(where: { nodes[$0]!.instance?.state.isLeader == true }) {
                statistics.resignations += 1
                step(nodes[leader]!) { $0.resign(now: now) }
            }
        case 4 where running.count >= 2:
            // The leader and a follower crash together: records only they held unflushed are gone.
            let leader = running.first { nodes[$0]!.instance?.state.isLeader == true } ?? running[0]
            let others = running.filter { $0 != leader }
            crash(leader)
            crash(others[Int(random.nextInt64(below: Int64(others.count)))])
        default:
            // Isolate the current leader, if any.
            if let leader = voterIds.first(where: { nodes[$0]!.instance?.state.isLeader == true }) {
                partitionGroup = [leader: 1]
            }
        }
    }

    func crash(_ id: Int32) {
        let node = nodes[id]!
        statistics.crashes += 1
        node.instance = nil
        node.disk.crash()
        node.incarnation += 1
        node.scheduledTick = nil
    }

    func start(_ id: Int32) {
        let node = nodes[id]!
        node.instance = RaftInstance(
            localId: id, voters: voterIds, config: config, quorumState: node.disk.quorumState, log: node.disk.loadLog(),
            now: now, seed: random.next())
        node.stateMachine = SimulatedStateMachine(snapshot: node.disk.snapshot)
        node.lastHighWatermark = node.instance!.highWatermark
        step(node) { $0.start(now: now) }
    }

    // MARK: Clients and snapshots

    func appendToALeader() {
        let leaders = voterIds.filter { nodes[$0]!.instance?.state.isLeader == true }
        guard !leaders.isEmpty else { return }
        let node = nodes[leaders[Int(random.nextInt64(below: Int64(leaders.count)))]]!
        let id = nextClientId
        nextClientId += 1
        if healed, firstClientIdAfterHeal == nil { firstClientIdAfterHeal = id }
        step(node) { $0.append([ClientPayload.make(id)], now: now).directives }
    }

    func takeSnapshot(_ node: SimulatedNode) {
        let offset = node.stateMachine.appliedOffset
        let data = node.stateMachine.snapshotData
        step(node) { $0.createSnapshot(endOffset: offset, data: data, now: now) }
    }
}
