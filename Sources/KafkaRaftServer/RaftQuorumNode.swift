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
public final class RaftQuorumNode: @unchecked Sendable {
    public let config: KRaftConfig
    public let clusterID: String
    private let logger: Logger
    private let onHalt: @Sendable (String) -> Void
    private let peers: RaftPeerConnections

    // Confined to `queue`.
    private let queue = DispatchQueue(label: "zkafka.raft-quorum-node")
    private var driver: RaftStorageDriver?
    private var timer: (any DispatchSourceTimer)?
    private var pendingReplies: [Int32: @Sendable (RaftMessage?) -> Void] = [:]
    private var nextInboundCorrelationID: Int32 = 1
    private var lastAnnouncedState: String?
    private var halted = false
    private var listener: RaftCommitListener?
    private var commitCursor = RaftCommitCursor()
    private var lastAnnouncedLeader: (id: Int32?, epoch: Int32)?
    /// The state machine on top (the quorum controller), told after every input; see ``RaftStateMachine``.
    private var stateMachine: (any RaftStateMachine)?
    private var notifyingStateMachine = false

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

    /// Loads the member from `metadata.log.dir` and starts its clock. `stateMachine`, if given, is told
    /// after every input (on the node's queue) and may append through ``appendOnQueue(_:)``.
    public func start(stateMachine: (any RaftStateMachine)? = nil) throws {
        try queue.sync {
            self.stateMachine = stateMachine
            let now = Self.now()
            let driver = try RaftStorageDriver(
                directory: config.metadataLogDir, localId: config.nodeID, voters: config.quorumVoters.map(\.id),
                config: config.raftConfig, now: now, seed: UInt64.random(in: 0...UInt64.max))
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
        queue.async { [self] in
            guard let driver, !halted else { return reply(nil) }
            let correlationID = nextInboundCorrelationID
            nextInboundCorrelationID = nextInboundCorrelationID == Int32.max ? 1 : nextInboundCorrelationID + 1
            pendingReplies[correlationID] = reply
            let envelope = RaftEnvelope(source: source, destination: config.nodeID, correlationId: correlationID, message: message)
            perform { try driver.receive(envelope, now: Self.now()) }
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
        } else {
            // The state machine has time-based work too (session expiry), and may have missed a commit
            // that happened inside its own append.
            notifyStateMachine(notifications: [])
        }
    }

    /// Runs `body` on the node's queue (where the state machine lives).
    public func onQueue(_ body: @escaping @Sendable () -> Void) {
        queue.async(execute: body)
    }

    /// The leader appends `payloads` as consecutive records of its epoch; nil when not the leader. Call on the
    /// node's queue (from the state machine or ``onQueue(_:)``).
    public func appendOnQueue(_ payloads: [[UInt8]]) -> Int64? {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let driver, !halted else { return nil }
        var baseOffset: Int64?
        perform {
            let (offset, output) = try driver.append(payloads, now: Self.now())
            baseOffset = offset
            return output
        }
        return baseOffset
    }

    /// KIP-630: the state machine's snapshot of everything below `endOffset`. Call on the node's queue.
    public func createSnapshotOnQueue(endOffset: Int64, data: [UInt8]) -> Bool {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let driver, !halted else { return false }
        let before = driver.instance.log.latestSnapshot?.id.offset
        perform { try driver.createSnapshot(endOffset: endOffset, data: data, now: Self.now()) }
        return driver.instance.log.latestSnapshot?.id.offset != before
    }

    /// The core as of now (on the node's queue).
    public var instanceOnQueue: RaftInstance? {
        dispatchPrecondition(condition: .onQueue(queue))
        return driver?.instance
    }

    private func notifyStateMachine(notifications: [RaftDirective]) {
        guard let stateMachine, let instance = driver?.instance, !halted, !notifyingStateMachine else { return }
        notifyingStateMachine = true
        defer { notifyingStateMachine = false }
        do {
            try stateMachine.raftNode(self, didProcessInputWith: instance, notifications: notifications, now: Self.now())
        } catch {
            halt("the metadata state machine failed: \(error)")
        }
    }

    private func receiveResponse(_ envelope: RaftEnvelope) {
        queue.async { [self] in
            guard let driver, !halted else { return }
            perform { try driver.receive(envelope, now: Self.now()) }
        }
    }

    /// Runs one input and carries out what it produced. Called on `queue`.
    private func perform(_ input: () throws -> RaftStorageDriver.Output) {
        let output: RaftStorageDriver.Output
        do {
            output = try input()
        } catch {
            return halt("metadata log storage failed: \(error)")
        }
        for envelope in output.messages {
            if RaftWireCodec.isResponse(envelope.message) {
                pendingReplies.removeValue(forKey: envelope.correlationId)?(envelope.message)
            } else {
                send(envelope)
            }
        }
        for notification in output.notifications {
            switch notification {
            case .highWatermarkAdvanced(let highWatermark):
                logger.debug("High watermark advanced to \(highWatermark)")
            case .halt(let reason):
                return halt(reason)
            default:
                break
            }
        }
        announceStateChange()
        pollListener()
        notifyStateMachine(notifications: output.notifications)
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

    private func halt(_ reason: String) {
        guard !halted else { return }
        halted = true
        timer?.cancel()
        logger.critical("Raft halted: \(reason)")
        onHalt(reason)
    }

    public static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// A state machine driven by a ``RaftQuorumNode`` (Kafka 3.3's `RaftClient.Listener`): told after every input,
/// on the node's queue, with the core as it is now, so it can apply what became committed, notice leadership
/// changes, and do time-based work. Throwing halts the node (the metadata log cannot be applied).
public protocol RaftStateMachine: AnyObject, Sendable {
    func raftNode(
        _ node: RaftQuorumNode, didProcessInputWith instance: RaftInstance, notifications: [RaftDirective], now: Int64
    ) throws
}
