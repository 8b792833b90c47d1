import Dispatch
import KafkaController
import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol
import KafkaQuorumController
import KafkaRaft
import Logging

/// The quorum controller of one controller process (Kafka 3.3's `QuorumController` with its own event queue, plus
/// its `QuorumMetaLogListener`), on top of the process's ``RaftQuorumNode``:
///
/// - it runs on a serial queue of its own (Kafka's `KafkaEventQueue`, "quorum-controller-N-event-handler"), apart
///   from the Raft node's queue: the node hands it ``RaftStateMachineUpdate``s (copies of newly committed records
///   and the Raft role) and it appends through ``RaftQuorumNode/append(_:epoch:)``, which holds the Raft queue for
///   the append alone. Deciding, replaying and encoding (seconds for a 10,000-partition CreateTopics in a debug
///   build) never delay a Raft Fetch, so followers and observers do not miss their fetch timeout;
/// - every controller replays committed records into its ``MetadataLogReplayer`` (hot standby);
/// - the Raft leader becomes the active controller once it has replayed everything up to its log end, which
///   includes its own LeaderChange record (Kafka fires `handleLeaderChange` for a new leader only once its
///   listener reached the epoch start offset);
/// - the active controller runs operations on a ``QuorumController``, appends their records as consecutive
///   Raft records in its epoch, replays them at once (as Kafka's active controller does after scheduling the
///   append), and answers only once the high watermark has passed them;
/// - losing leadership drops the active state and answers pending requests NOT_CONTROLLER, since records not
///   yet committed may be truncated by the next leader.
public final class QuorumControllerNode: RaftStateMachine, @unchecked Sendable {
    public struct Settings: Sendable {
        public var controller: QuorumControllerConfig
        /// `metadata.log.max.record.bytes.between.snapshots` (Kafka's default 20 MiB).
        public var maxBytesBetweenSnapshots: Int

        public init(controller: QuorumControllerConfig, maxBytesBetweenSnapshots: Int = 20 * 1024 * 1024) {
            self.controller = controller
            self.maxBytesBetweenSnapshots = maxBytesBetweenSnapshots
        }
    }

    /// What the controller looks like now, for `/metrics` and logs.
    public struct Status: Sendable {
        public var isActive: Bool
        public var appliedOffset: Int64
        public var registeredBrokers: Int
        public var fencedBrokers: Int
        public var topics: Int
        public var partitions: Int
        public var offlinePartitions: Int
        public var snapshotEndOffset: Int64
    }

    public let nodeID: Int32
    /// Operations holding the controller queue longer than this are logged.
    static let slowOperationMs: Int64 = 500
    /// Records appended to Raft per turn of the Raft queue (the accumulator's batch size): Raft requests queued
    /// meanwhile run between batches.
    static let maxRecordsPerAppend = 500
    /// `controller.quorum.append.linger.ms` (Kafka's default): how long the first record of a batch waits for more.
    static let appendLingerMs: Int64 = 25
    /// How often the controller checks for expired broker sessions (Kafka reschedules its fencing check on
    /// every heartbeat; a short period bounds how late past `broker.session.timeout.ms` a broker is fenced).
    static let sessionCheckIntervalMs = 10
    private let settings: Settings
    private let logger: Logger
    private let trace: (any ControllerTraceSink)?
    /// The controller's event queue: everything below is confined to it.
    private let queue: DispatchQueue

    private var node: RaftQuorumNode?
    private var timer: (any DispatchSourceTimer)?
    private var replayer = MetadataLogReplayer()
    private var active: QuorumController?
    /// The Raft epoch the active controller appends in.
    private var activeEpoch: Int32 = -1
    /// The active controller's records not yet handed to Raft (nil while not active).
    private var accumulator: BatchAccumulator<[UInt8]>?
    private var lingerWakeupScheduled = false
    private var pending: [PendingReply] = []
    private var lastRole: RaftStateMachineUpdate.Role?
    private var stopped = false

    private struct PendingReply {
        var lastOffset: Int64
        var committed: () -> Void
        var failed: () -> Void
    }

    public init(nodeID: Int32, settings: Settings, logger: Logger, trace: (any ControllerTraceSink)?) {
        self.nodeID = nodeID
        self.settings = settings
        self.logger = logger
        self.trace = trace
        queue = DispatchQueue(label: "zkafka.quorum-controller-\(nodeID)-event-handler")
    }

    // MARK: - Operations (any thread)

    /// Runs `operation` on the active controller and calls `reply` with its response once its records are
    /// committed, or with nil when this controller is not active or stopped being active first (the caller
    /// answers NOT_CONTROLLER).
    public func submit<Response: Sendable>(
        _ operation: @escaping @Sendable (inout QuorumController, Int64) -> (records: [MetadataRecord], response: Response),
        reply: @escaping @Sendable (Response?) -> Void
    ) {
        queue.async { [self] in
            guard var controller = active else { return reply(nil) }
            let now = RaftQuorumNode.now()
            let (records, response) = operation(&controller, now)
            let decided = RaftQuorumNode.now()
            active = controller
            guard append(records) != nil else { return reply(nil) }
            let appended = RaftQuorumNode.now()
            if appended - now > Self.slowOperationMs {
                // Only this controller's own queue waited (Raft has its own): later operations were delayed.
                logger.info("A controller operation of \(records.count) records took \(appended - now) ms (decide \(decided - now) ms, encode and append \(appended - decided) ms)")
            }
            // With no records, the answer still waits for everything written before it to commit, so it never
            // reveals uncommitted state (Kafka's purgatory keyed by the last written offset).
            waitForCommit(of: active?.nextWriteOffset ?? 0) { reply(response) } failed: { reply(nil) }
        }
    }

    /// A read of the committed state on the controller's queue (any controller; not only the active one).
    public func read<T: Sendable>(_ body: @escaping @Sendable (QuorumControllerState, Bool) -> T, reply: @escaping @Sendable (T) -> Void) {
        queue.async { [self] in reply(body(replayer.state, active != nil)) }
    }

    /// The latest status; nil before the node started.
    public func currentStatus(reply: @escaping @Sendable (Status?) -> Void) {
        queue.async { [self] in reply(node == nil ? nil : makeStatus()) }
    }

    /// The KRaft gauges for `/metrics`; nil before the node started.
    public func metrics(reply: @escaping @Sendable (KRaftMetricsSnapshot?) -> Void) {
        queue.async { [self] in
            guard let node else { return reply(nil) }
            let status = makeStatus()
            node.inspect({ instance in
                instance.map { KRaftMetricsSnapshot(instance: $0, controller: status, now: RaftQuorumNode.now()) }
            }, reply: reply)
        }
    }

    /// Starts `node` (loading its log) with this controller on top, and the controller's session-expiry clock.
    public func start(on node: RaftQuorumNode) throws {
        queue.sync {
            self.node = node
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now(), repeating: .milliseconds(Self.sessionCheckIntervalMs))
            timer.setEventHandler { [weak self] in self?.checkSessions() }
            timer.resume()
            self.timer = timer
        }
        try node.start(stateMachine: self)
    }

    /// Stops the clock and answers what is pending NOT_CONTROLLER (the node is shut down by its owner).
    public func shutdown() {
        queue.sync {
            stopped = true
            timer?.cancel()
            timer = nil
            if active != nil { renounce(reason: "shutting down") }
        }
    }

    // MARK: - RaftStateMachine (called on the Raft node's queue: hand off only)

    public func raftNode(_ node: RaftQuorumNode, didUpdate update: RaftStateMachineUpdate) {
        queue.async { [self] in apply(update) }
    }

    // MARK: - The controller's queue

    private func apply(_ update: RaftStateMachineUpdate) {
        guard !stopped else { return }
        let context = trace.map { _ in
            MetadataLogReplayer.TraceContext(controllerID: nodeID, raftEpoch: update.role.epoch, timeMs: update.timeMs)
        }
        var applied: [MetadataLogReplayer.Applied] = []
        do {
            for delivery in update.deliveries { applied += try replayer.apply(delivery, trace: context) }
        } catch {
            logger.critical("The metadata log cannot be applied: \(error)")
            stopped = true
            node?.halt("the metadata state machine failed: \(error)")
            return
        }
        if let trace, !applied.isEmpty {
            for line in applied.flatMap(\.trace) { trace.append(line) }
            trace.flush()
        }
        traceRoleChange(update)
        updateActive(update)
        completeCommitted()
        maybeSnapshot()
    }

    /// Becomes active once leader and caught up with its own log; renounces when no longer leader of its epoch.
    private func updateActive(_ update: RaftStateMachineUpdate) {
        guard let epochStartOffset = update.role.epochStartOffset else {
            if active != nil { renounce(reason: "no longer the Raft leader (epoch \(update.role.epoch))") }
            return
        }
        if active != nil, activeEpoch != update.role.epoch {
            renounce(reason: "the Raft epoch moved from \(activeEpoch) to \(update.role.epoch)")
        }
        // Until this controller appends, the leader's log end is exactly where its first append goes. The update
        // may be stale (Raft has moved on since it was queued here): the node confirms the leadership as of now.
        guard active == nil, replayer.nextOffset > epochStartOffset, replayer.nextOffset == update.logEndOffset,
            let node, node.leaderLogEnd(epoch: update.role.epoch) == replayer.nextOffset
        else { return }
        let now = RaftQuorumNode.now()
        active = QuorumController(config: settings.controller, state: replayer.state, now: now)
        activeEpoch = update.role.epoch
        accumulator = BatchAccumulator(
            nextOffset: active!.nextWriteOffset, lingerMs: Self.appendLingerMs, maxBatchSize: Self.maxRecordsPerAppend)
        logger.info("Controller \(nodeID) became active at epoch \(update.role.epoch): metadata replayed up to offset \(replayer.nextOffset - 1)")
        if let trace {
            trace.append(.milestone(ControllerMilestoneTraceRecord(
                kind: .failoverCompleted, timeMs: now, brokerID: nodeID, controllerEpoch: update.role.epoch)))
            trace.flush()
        }
    }

    private func renounce(reason: String) {
        logger.info("Controller \(nodeID) renounces: \(reason)")
        active = nil
        activeEpoch = -1
        accumulator = nil  // never appended: they were only replayed on the active state just dropped
        let failed = pending
        pending = []
        for reply in failed { reply.failed() }
    }

    /// Schedules `records` for the Raft log in the active epoch and replays them on the active controller; nil if
    /// that failed (and then the controller renounced). Returns the last offset, or the last written offset when
    /// `records` is empty.
    ///
    /// The records go into the ``BatchAccumulator`` (Kafka's `scheduleAppend` with `linger.ms`): operations within
    /// `appendLingerMs` of each other share one Raft append, and a batch goes out at once when it holds
    /// `maxRecordsPerAppend` records. A large operation (a 10,000-partition CreateTopics) is split into such
    /// batches, each taking the Raft queue once, so Raft requests that arrive meanwhile run in between. A failover
    /// between batches can commit a prefix of the operation, as Kafka's non-atomic batches (KIP-868, Kafka 3.6)
    /// can; Kafka 3.3 refuses operations of more than 10,000 records.
    @discardableResult
    private func append(_ records: [MetadataRecord]) -> Int64? {
        guard var controller = active, var accumulator else { return nil }
        guard !records.isEmpty else { return controller.nextWriteOffset - 1 }
        let now = RaftQuorumNode.now()
        let base = accumulator.append(records.map { MetadataRecordSerde.encode(MetadataRecordAndVersion($0)) }, now: now)
        guard base == controller.nextWriteOffset else {
            renounce(reason: "the batch accumulator is at offset \(base ?? -1), not at the controller's next write offset \(controller.nextWriteOffset)")
            return nil
        }
        self.accumulator = accumulator
        let last = controller.append(records)
        active = controller
        appendReadyBatches(now: now)
        return active == nil ? nil : last
    }

    /// Appends to Raft every batch the accumulator has ready, and arranges to come back when the open one's linger
    /// ends. A Raft append at another offset than the accumulator assigned, or refused, ends this activity.
    private func appendReadyBatches(now: Int64) {
        guard var accumulator, let node else { return }
        let ready = accumulator.drain(now: now)
        self.accumulator = accumulator
        for batch in ready {
            let appended = node.append(batch.elements, epoch: activeEpoch)
            guard appended == batch.baseOffset else {
                renounce(reason: appended == nil
                    ? "the Raft append failed (no longer the leader of epoch \(activeEpoch))"
                    : "Raft appended at offset \(appended!), not at the accumulator's offset \(batch.baseOffset)")
                return
            }
        }
        if let deadline = accumulator.lingerDeadline, !lingerWakeupScheduled {
            lingerWakeupScheduled = true
            queue.asyncAfter(deadline: .now() + .milliseconds(Int(max(0, deadline - now)))) { [self] in
                lingerWakeupScheduled = false
                guard !stopped, active != nil else { return }
                appendReadyBatches(now: RaftQuorumNode.now())
            }
        }
    }

    private func waitForCommit(of nextWriteOffset: Int64, committed: @escaping () -> Void, failed: @escaping () -> Void) {
        let reply = PendingReply(lastOffset: nextWriteOffset - 1, committed: committed, failed: failed)
        if reply.lastOffset < replayer.nextOffset {
            committed()
        } else {
            pending.append(reply)
        }
    }

    private func completeCommitted() {
        guard !pending.isEmpty else { return }
        let committedEnd = replayer.nextOffset
        let done = pending.filter { $0.lastOffset < committedEnd }
        pending.removeAll { $0.lastOffset < committedEnd }
        for reply in done { reply.committed() }
    }

    private func checkSessions() {
        guard !stopped, active != nil else { return }
        fenceStaleBrokers(now: RaftQuorumNode.now())
    }

    /// `maybeFenceOneStaleBroker`, repeated until no broker's session has expired.
    private func fenceStaleBrokers(now: Int64) {
        while let controller = active, let expiry = controller.nextSessionExpiry(), expiry <= now {
            let result = controller.fenceOneStaleBroker(now: now)
            guard let broker = result.response, !result.records.isEmpty else { return }
            logger.info("Fencing broker \(broker): its session expired (broker.session.timeout.ms \(settings.controller.brokerSessionTimeoutMs))")
            guard append(result.records) != nil else { return }
        }
    }

    private func maybeSnapshot() {
        guard let node, replayer.isSnapshotDue(maxBytesBetweenSnapshots: settings.maxBytesBetweenSnapshots) else { return }
        let (endOffset, data) = replayer.snapshot()
        if node.createSnapshot(endOffset: endOffset, data: data) {
            replayer.snapshotTaken(endOffset: endOffset)
            logger.info("Wrote metadata snapshot at offset \(endOffset) (\(data.count) bytes); the log before it is deleted")
        }
    }

    /// Raft role changes as trace milestones (candidate, voted, follower, elected as leader, resigned), each
    /// with the committed offset and log end; the Raft epoch stands in for the controller epoch.
    private func traceRoleChange(_ update: RaftStateMachineUpdate) {
        let role = update.role
        guard lastRole?.epoch != role.epoch || lastRole?.name != role.name else { return }
        let wasLeader = lastRole?.isLeader == true
        lastRole = role
        guard let trace else { return }
        if wasLeader {
            trace.append(QuorumControllerTrace.leadershipChange(
                controllerID: nodeID, isLeader: false, raftEpoch: role.epoch, timeMs: update.timeMs))
        }
        if let line = QuorumControllerTrace.raftRoleChange(
            controllerID: nodeID, role: role.name, raftEpoch: role.epoch, leaderID: role.leaderID, votedFor: role.votedFor,
            committedOffset: update.highWatermark, logEndOffset: update.logEndOffset, timeMs: update.timeMs)
        {
            trace.append(line)
        }
        trace.flush()
    }

    private func makeStatus() -> Status {
        let state = replayer.state
        var partitions = 0
        var offline = 0
        for topic in state.topics.values {
            partitions += topic.partitions.count
            offline += topic.partitions.values.filter { $0.leader < 0 }.count
        }
        return Status(
            isActive: active != nil, appliedOffset: state.lastAppliedOffset, registeredBrokers: state.brokers.count,
            fencedBrokers: state.brokers.values.filter(\.fenced).count, topics: state.topics.count,
            partitions: partitions, offlinePartitions: offline, snapshotEndOffset: replayer.snapshotEndOffset)
    }
}
