import Dispatch
import KafkaController
import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol
import KafkaQuorumController
import KafkaRaft
import Logging

/// The quorum controller of one controller process (Kafka 3.3's `QuorumController` event loop plus its
/// `QuorumMetaLogListener`), driven by the process's ``RaftQuorumNode`` and confined to its queue:
///
/// - every controller replays committed records into its ``MetadataLogReplayer`` (hot standby);
/// - the Raft leader becomes the active controller once it has replayed everything up to its log end, which
///   includes its own LeaderChange record (Kafka fires `handleLeaderChange` for a new leader only once its
///   listener reached the epoch start offset);
/// - the active controller runs operations on a ``QuorumController``, appends their records as consecutive
///   Raft records, replays them at once (as Kafka's active controller does after scheduling the append), and
///   answers only once the high watermark has passed them;
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
    private let settings: Settings
    private let logger: Logger
    private let trace: (any ControllerTraceSink)?

    // Confined to the Raft node's queue.
    private var node: RaftQuorumNode?
    private var replayer = MetadataLogReplayer()
    private var active: QuorumController?
    private var pending: [PendingReply] = []
    private var lastRole: (epoch: Int32, name: String)?
    /// Set while this controller appends: the node tells it about that input too, but the active state is
    /// only consistent again once the append returned.
    private var appending = false

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
    }

    // MARK: - Operations (any thread)

    /// Runs `operation` on the active controller and calls `reply` with its response once its records are
    /// committed, or with nil when this controller is not active or stopped being active first (the caller
    /// answers NOT_CONTROLLER).
    public func submit<Response: Sendable>(
        _ operation: @escaping @Sendable (inout QuorumController, Int64) -> (records: [MetadataRecord], response: Response),
        reply: @escaping @Sendable (Response?) -> Void
    ) {
        guard let node else { return reply(nil) }
        node.onQueue { [self] in
            guard var controller = active else { return reply(nil) }
            let now = RaftQuorumNode.now()
            let (records, response) = operation(&controller, now)
            active = controller
            guard append(records) != nil else { return reply(nil) }
            // With no records, the answer still waits for everything written before it to commit, so it never
            // reveals uncommitted state (Kafka's purgatory keyed by the last written offset).
            waitForCommit(of: active?.nextWriteOffset ?? 0) { reply(response) } failed: { reply(nil) }
        }
    }

    /// A read of the committed state on the node's queue (any controller; not only the active one).
    public func read<T: Sendable>(_ body: @escaping @Sendable (QuorumControllerState, Bool) -> T, reply: @escaping @Sendable (T) -> Void) {
        guard let node else { return reply(body(QuorumControllerState(), false)) }
        node.onQueue { [self] in reply(body(replayer.state, active != nil)) }
    }

    /// The latest status (updated on every Raft input); nil before the node started.
    public func currentStatus(reply: @escaping @Sendable (Status?) -> Void) {
        guard let node else { return reply(nil) }
        node.onQueue { [self] in reply(makeStatus()) }
    }

    /// The KRaft gauges for `/metrics`; nil before the node started.
    public func metrics(reply: @escaping @Sendable (KRaftMetricsSnapshot?) -> Void) {
        guard let node else { return reply(nil) }
        node.onQueue { [self] in
            guard let instance = node.instanceOnQueue else { return reply(nil) }
            reply(KRaftMetricsSnapshot(instance: instance, controller: makeStatus(), now: RaftQuorumNode.now()))
        }
    }

    /// Starts `node` (loading its log) with this controller on top.
    public func start(on node: RaftQuorumNode) throws {
        self.node = node
        try node.start(stateMachine: self)
    }

    // MARK: - RaftStateMachine (the node's queue)

    public func raftNode(
        _ node: RaftQuorumNode, didProcessInputWith instance: RaftInstance, notifications: [RaftDirective], now: Int64
    ) throws {
        self.node = node
        guard !appending else { return }
        let applied: [MetadataLogReplayer.Applied]
        do {
            applied = try replayer.catchUp(
                log: instance.log, highWatermark: instance.highWatermark,
                trace: trace.map { _ in .init(controllerID: nodeID, raftEpoch: instance.epoch, timeMs: now) })
        }
        if let trace, !applied.isEmpty {
            for line in applied.flatMap(\.trace) { trace.append(line) }
            trace.flush()
        }
        traceRoleChange(instance, now: now)
        updateActive(instance, now: now)
        completeCommitted()
        if active != nil { fenceStaleBrokers(now: now) }
        maybeSnapshot(node)
    }

    /// Becomes active once leader and caught up with its own log; renounces when no longer leader.
    private func updateActive(_ instance: RaftInstance, now: Int64) {
        guard case .leader(let leader) = instance.state else {
            if active != nil { renounce(reason: "no longer the Raft leader (epoch \(instance.epoch))") }
            return
        }
        if let current = active, current.nextWriteOffset != instance.log.endOffset {
            // Something other than this controller's own appends reached the log: rebuild from the committed state.
            renounce(reason: "the log end \(instance.log.endOffset) is not the controller's next write offset \(current.nextWriteOffset)")
        }
        guard active == nil, replayer.nextOffset > leader.epochStartOffset,
            replayer.nextOffset == instance.log.endOffset
        else { return }
        active = QuorumController(config: settings.controller, state: replayer.state, now: now)
        logger.info("Controller \(nodeID) became active at epoch \(leader.epoch): metadata replayed up to offset \(replayer.nextOffset - 1)")
        if let trace {
            trace.append(.milestone(ControllerMilestoneTraceRecord(
                kind: .failoverCompleted, timeMs: now, brokerID: nodeID, controllerEpoch: leader.epoch)))
            trace.flush()
        }
    }

    private func renounce(reason: String) {
        logger.info("Controller \(nodeID) renounces: \(reason)")
        active = nil
        let failed = pending
        pending = []
        for reply in failed { reply.failed() }
    }

    /// Appends `records` through Raft and replays them on the active controller; nil if that failed (and then
    /// the controller renounced). Returns the last offset, or the last written offset when `records` is empty.
    @discardableResult
    private func append(_ records: [MetadataRecord]) -> Int64? {
        guard var controller = active, let node else { return nil }
        guard !records.isEmpty else { return controller.nextWriteOffset - 1 }
        let payloads = records.map { MetadataRecordSerde.encode(MetadataRecordAndVersion($0)) }
        appending = true
        let appended = node.appendOnQueue(payloads)
        appending = false
        guard let base = appended, base == controller.nextWriteOffset else {
            renounce(reason: "the Raft append failed")
            return nil
        }
        let last = controller.append(records)
        active = controller
        return last
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

    /// `maybeFenceOneStaleBroker`, repeated until no broker's session has expired.
    private func fenceStaleBrokers(now: Int64) {
        while let controller = active, let expiry = controller.nextSessionExpiry(), expiry <= now {
            let result = controller.fenceOneStaleBroker(now: now)
            guard let broker = result.response, !result.records.isEmpty else { return }
            logger.info("Fencing broker \(broker): its session expired (broker.session.timeout.ms \(settings.controller.brokerSessionTimeoutMs))")
            guard append(result.records) != nil else { return }
        }
    }

    private func maybeSnapshot(_ node: RaftQuorumNode) {
        guard replayer.isSnapshotDue(maxBytesBetweenSnapshots: settings.maxBytesBetweenSnapshots) else { return }
        let (endOffset, data) = replayer.snapshot()
        if node.createSnapshotOnQueue(endOffset: endOffset, data: data) {
            replayer.snapshotTaken(endOffset: endOffset)
            logger.info("Wrote metadata snapshot at offset \(endOffset) (\(data.count) bytes); the log before it is deleted")
        }
    }

    /// Raft role changes as trace milestones (candidate, voted, follower, elected as leader, resigned), each
    /// with the committed offset and log end; the Raft epoch stands in for the controller epoch.
    private func traceRoleChange(_ instance: RaftInstance, now: Int64) {
        let role = (epoch: instance.epoch, name: instance.state.name)
        guard lastRole?.epoch != role.epoch || lastRole?.name != role.name else { return }
        let wasLeader = lastRole?.name == "Leader"
        lastRole = role
        guard let trace else { return }
        if wasLeader {
            trace.append(QuorumControllerTrace.leadershipChange(
                controllerID: nodeID, isLeader: false, raftEpoch: role.epoch, timeMs: now))
        }
        var votedFor: Int32?
        if case .voted(let voted) = instance.state { votedFor = voted.votedId }
        if let line = QuorumControllerTrace.raftRoleChange(
            controllerID: nodeID, role: role.name, raftEpoch: role.epoch, leaderID: instance.leaderId, votedFor: votedFor,
            committedOffset: instance.highWatermark, logEndOffset: instance.log.endOffset, timeMs: now)
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
