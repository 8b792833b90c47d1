import Dispatch
import Foundation
import KafkaClient
import KafkaConfig
import KafkaRaft
import KafkaRaftProtocol
import KafkaRaftStorage
import Logging

/// One quorum member as a process part: Kafka 3.3's `KafkaRaftClientDriver` thread around one
/// `KafkaRaftClient`, with `KafkaNetworkChannel` for the RPCs. Every input (a request, a response,
/// a timer tick) runs on one serial queue that owns the `RaftStorageDriver`, so the core sees its
/// inputs one at a time. A 5 ms timer polls the core whenever its `nextDeadline` has passed.
///
/// The fsync of `__cluster_metadata` runs on a queue of its own (the driver's `.deferred` mode): an append or a
/// fetched batch returns at once, one fsync covers everything written before it started (group commit), and
/// its completion comes back to the Raft queue as an input. The core still acknowledges only what is durable.
///
/// The state machine on top (the quorum controller) runs on a queue of its own, as Kafka's `QuorumController`
/// event thread does: this queue only copies newly committed records into a ``RaftStateMachineUpdate`` for it,
/// and its appends take this queue for the append alone, so Fetch handling never waits for controller work.
public final class RaftQuorumNode: @unchecked Sendable {
    public let config: KRaftConfig
    public let clusterID: String
    private let logger: Logger
    private let onHalt: @Sendable (String) -> Void
    private let peers: RaftPeerConnections

    // Confined to `queue`.
    private let queue = DispatchQueue(label: "zkafka.raft-quorum-node")
    /// Runs the deferred fsyncs, one at a time, so a slow disk never holds the Raft queue.
    private let flusher = DispatchQueue(label: "zkafka.raft-quorum-node.log-flusher")
    private var driver: RaftStorageDriver?
    private var timer: (any DispatchSourceTimer)?
    private var pendingReplies: [Int32: @Sendable (RaftMessage?) -> Void] = [:]
    private var nextInboundCorrelationID: Int32 = 1
    private var lastAnnouncedState: String?
    private var halted = false
    private var listener: RaftCommitListener?
    private var commitCursor = RaftCommitCursor()
    private var lastAnnouncedLeader: (id: Int32?, epoch: Int32)?
    /// The state machine on top (the quorum controller), handed updates; see ``RaftStateMachine``.
    private var stateMachine: (any RaftStateMachine)?
    private var stateMachineFeed = RaftStateMachineFeed()

    public init(config: KRaftConfig, clusterID: String, logger: Logger, onHalt: @escaping @Sendable (String) -> Void) {
        self.config = config
        self.clusterID = clusterID
        self.logger = logger
        self.onHalt = onHalt
        peers = RaftPeerConnections(
            voters: config.quorumVoters, localID: config.nodeID, connectTimeout: .milliseconds(config.requestTimeoutMs))
    }

    /// Registers the state machine that hears committed records (Kafka's `RaftClient.register`).
    /// Call before `start`.
    public func register(_ listener: RaftCommitListener) {
        queue.sync { self.listener = listener }
    }

    /// The leader this member knows and its epoch (nil while unknown): how an observer finds the
    /// active controller.
    public var currentLeader: (id: Int32?, epoch: Int32) {
        queue.sync { (driver?.instance.leaderId, driver?.instance.epoch ?? 0) }
    }

    /// The committed offset (exclusive high watermark) this member knows.
    public var highWatermark: Int64 {
        queue.sync { driver?.instance.highWatermark ?? 0 }
    }

    /// Loads the member from `metadata.log.dir` and starts its clock. `stateMachine`, if given, is handed an
    /// update after every input that changed what it sees, and may append through ``append(_:epoch:)``.
    public func start(stateMachine: (any RaftStateMachine)? = nil) throws {
        try queue.sync {
            self.stateMachine = stateMachine
            let now = Self.now()
            let driver = try RaftStorageDriver(
                directory: config.metadataLogDir, localId: config.nodeID, voters: config.quorumVoters.map(\.id),
                config: config.raftConfig, now: now, seed: UInt64.random(in: 0...UInt64.max), flushMode: .deferred)
            self.driver = driver
            perform { try driver.start(now: now) }
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now(), repeating: .milliseconds(5))
            timer.setEventHandler { [weak self] in self?.tick() }
            timer.resume()
            self.timer = timer
        }
    }

    public func shutdown() async {
        queue.sync {
            timer?.cancel()
            timer = nil
            for reply in pendingReplies.values { reply(nil) }
            pendingReplies = [:]
        }
        await peers.closeAll()
    }

    /// An inbound quorum request from `source`; `reply` gets the core's response, or nil when the
    /// core gives none within the request timeout (the connection is then closed).
    func handleRequest(_ message: RaftMessage, from source: Int32, reply: @escaping @Sendable (RaftMessage?) -> Void) {
        let arrived = Self.now()
        queue.async { [self] in
            guard let driver, !halted else { return reply(nil) }
            noteQueueWait(since: arrived, for: "a request from \(source)")
            let correlationID = nextInboundCorrelationID
            nextInboundCorrelationID = nextInboundCorrelationID == Int32.max ? 1 : nextInboundCorrelationID + 1
            pendingReplies[correlationID] = reply
            let envelope = RaftEnvelope(source: source, destination: config.nodeID, correlationId: correlationID, message: message)
            perform("a request from \(source)") { try driver.receive(envelope, now: Self.now()) }
            // A parked Fetch waits at most maxFetchWaitMs; anything unanswered past that is dropped.
            queue.asyncAfter(deadline: .now() + .milliseconds(Int(config.requestTimeoutMs))) { [self] in
                pendingReplies.removeValue(forKey: correlationID)?(nil)
            }
        }
    }

    /// DescribeQuorum (`KafkaRaftClient.handleDescribeQuorumRequest`): the leader describes the
    /// voters and observers; other members answer NOT_LEADER_OR_FOLLOWER naming the leader they know.
    func describeQuorum(reply: @escaping @Sendable (DescribeQuorumResponse) -> Void) {
        queue.async { [self] in
            guard let instance = driver?.instance else {
                return reply(RaftWireCodec.describeQuorumResponse(nil, leaderId: nil, leaderEpoch: -1))
            }
            let info = instance.describeQuorum(now: Self.now())
            reply(RaftWireCodec.describeQuorumResponse(info, leaderId: instance.leaderId, leaderEpoch: instance.epoch))
        }
    }

    private func tick() {
        guard let driver, !halted else { return }
        let now = Self.now()
        if now >= driver.instance.nextDeadline {
            perform { try driver.tick(now: now) }
        }
    }

    /// Kafka's `RaftClient.scheduleAtomicAppend(epoch, records)`: the leader of `epoch` appends `payloads` as
    /// consecutive records; returns the base offset, or nil when this member does not lead `epoch` (any more).
    /// Call from the state machine's own queue, never from the node's: it takes the node's queue for the append
    /// alone (Raft requests queued before it run first).
    public func append(_ payloads: [[UInt8]], epoch: Int32) -> Int64? {
        dispatchPrecondition(condition: .notOnQueue(queue))
        return queue.sync {
            guard let driver, !halted, case .leader(let leader) = driver.instance.state, leader.epoch == epoch else {
                return nil
            }
            var baseOffset: Int64?
            perform("an append of \(payloads.count) records") {
                let (offset, output) = try driver.append(payloads, now: Self.now())
                baseOffset = offset
                return output
            }
            return baseOffset
        }
    }

    /// The log end offset if this member leads `epoch` now, else nil: what a state machine checks, on the node's
    /// queue, before it takes the leadership an earlier update reported (updates reach its queue later).
    public func leaderLogEnd(epoch: Int32) -> Int64? {
        dispatchPrecondition(condition: .notOnQueue(queue))
        return queue.sync {
            guard let driver, !halted, case .leader(let leader) = driver.instance.state, leader.epoch == epoch else {
                return nil
            }
            return driver.instance.log.endOffset
        }
    }

    /// KIP-630: the state machine's snapshot of everything below `endOffset` (at most the high watermark);
    /// whether the Raft layer took it. Call from the state machine's queue.
    public func createSnapshot(endOffset: Int64, data: [UInt8]) -> Bool {
        dispatchPrecondition(condition: .notOnQueue(queue))
        return queue.sync {
            guard let driver, !halted else { return false }
            let before = driver.instance.log.latestSnapshot?.id.offset
            perform { try driver.createSnapshot(endOffset: endOffset, data: data, now: Self.now()) }
            return driver.instance.log.latestSnapshot?.id.offset != before
        }
    }

    /// Runs `body` on the node's queue with the core as it is now (nil before start), for gauges and views.
    public func inspect<T: Sendable>(_ body: @escaping @Sendable (RaftInstance?) -> T, reply: @escaping @Sendable (T) -> Void) {
        queue.async { [self] in reply(body(driver?.instance)) }
    }

    /// Stops the member (the state machine cannot apply the log): Kafka's Raft thread dies the same way.
    public func halt(_ reason: String) {
        queue.async { [self] in halt(reason: reason) }
    }

    private func notifyStateMachine() {
        guard let stateMachine, let instance = driver?.instance, !halted,
            let update = stateMachineFeed.update(after: instance, now: Self.now())
        else { return }
        stateMachine.raftNode(self, didUpdate: update)
    }

    private func receiveResponse(_ envelope: RaftEnvelope) {
        let arrived = Self.now()
        queue.async { [self] in
            guard let driver, !halted else { return }
            noteQueueWait(since: arrived, for: "a response from \(envelope.source)")
            perform("a response from \(envelope.source)") { try driver.receive(envelope, now: Self.now()) }
        }
    }

    /// Inputs that hold the queue longer than this are logged: every Fetch waits behind them, and a follower
    /// whose Fetches wait past `controller.quorum.fetch.timeout.ms` stands for election.
    static let slowInputMs: Int64 = 250

    private func noteQueueWait(since arrived: Int64, for what: String) {
        let waited = Self.now() - arrived
        if waited > Self.slowInputMs { logger.warning("\(what) waited \(waited) ms for the Raft queue") }
    }

    /// Runs one input and carries out what it produced. Called on `queue`.
    private func perform(_ what: @autoclosure () -> String = "a timer tick", _ input: () throws -> RaftStorageDriver.Output) {
        let started = Self.now()
        defer {
            let took = Self.now() - started
            if took > Self.slowInputMs { logger.warning("Raft input (\(what())) held the Raft queue for \(took) ms") }
        }
        let output: RaftStorageDriver.Output
        do {
            output = try input()
        } catch {
            return halt(reason: "metadata log storage failed: \(error)")
        }
        for envelope in output.messages {
            if RaftWireCodec.isResponse(envelope.message) {
                pendingReplies.removeValue(forKey: envelope.correlationId)?(envelope.message)
            } else {
                send(envelope)
            }
        }
        if let flush = output.flush { startFlush(flush) }
        for notification in output.notifications {
            switch notification {
            case .highWatermarkAdvanced(let highWatermark):
                logger.debug("High watermark advanced to \(highWatermark)")
            case .halt(let reason):
                return halt(reason: reason)
            default:
                break
            }
        }
        announceStateChange()
        pollListener()
        notifyStateMachine()
    }

    /// Runs `flush` on the flusher queue and reports its completion (or its failure, which halts the member)
    /// back on the Raft queue. Called on `queue`.
    private func startFlush(_ flush: PendingLogFlush) {
        flusher.async { [self] in
            let started = Self.now()
            let result = Result<Void, RaftStorageError> { () throws(RaftStorageError) in try flush.run() }
            let took = Self.now() - started
            if took > Self.slowInputMs { logger.warning("fsync of the metadata log took \(took) ms (off the Raft queue)") }
            queue.async { [self] in
                guard let driver, !halted else { return }
                perform("a log flush") {
                    try result.get()
                    return try driver.flushCompleted(flush, now: Self.now())
                }
            }
        }
    }

    /// Delivers what the listener has not seen: a leader change, then committed records up to the
    /// high watermark (Kafka's `pollListeners`).
    private func pollListener() {
        guard let listener, let instance = driver?.instance else { return }
        let leader = (id: instance.leaderId, epoch: instance.epoch)
        if lastAnnouncedLeader?.id != leader.id || lastAnnouncedLeader?.epoch != leader.epoch {
            lastAnnouncedLeader = leader
            listener.handleLeaderChange(leader.id, leader.epoch)
        }
        for delivery in commitCursor.advance(log: instance.log, highWatermark: instance.highWatermark) {
            switch delivery {
            case .snapshot(let snapshot): listener.handleSnapshot(snapshot)
            case .commit(let batch): listener.handleCommit(batch)
            }
        }
    }

    /// Logs each state change once, as `QuorumState` logs its transitions.
    private func announceStateChange() {
        guard let instance = driver?.instance else { return }
        let state = instance.state
        var text = "Transitioned to \(state.name.lowercased()) at epoch \(state.epoch)"
        if case .follower(let follower) = state { text += " (leader \(follower.leaderId))" }
        if case .voted(let voted) = state { text += " (voted for \(voted.votedId))" }
        guard text != lastAnnouncedState else { return }
        lastAnnouncedState = text
        logger.info("\(text)")
    }

    private func send(_ envelope: RaftEnvelope) {
        let peers = self.peers
        let clusterID = self.clusterID
        let timeout = Duration.milliseconds(config.requestTimeoutMs)
        Task { [self] in
            let connection: KafkaConnection
            do {
                connection = try await peers.connection(to: envelope.destination)
            } catch {
                return  // unreachable: the core re-sends after its request timeout
            }
            RaftWireTransport.submit(envelope.message, clusterID: clusterID, on: connection, timeout: timeout) { result in
                switch result {
                case .success(let message):
                    self.receiveResponse(RaftEnvelope(
                        source: envelope.destination, destination: envelope.source, correlationId: envelope.correlationId,
                        message: message))
                case .failure(let error):
                    self.logger.debug("Request to \(envelope.destination) failed: \(error)")
                    Task { await peers.drop(envelope.destination) }
                }
            }
        }
    }

    private func halt(reason: String) {
        guard !halted else { return }
        halted = true
        timer?.cancel()
        logger.critical("Raft halted: \(reason)")
        onHalt(reason)
    }

    public static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
