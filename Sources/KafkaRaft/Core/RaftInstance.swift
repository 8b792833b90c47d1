/// The pure KIP-595 Raft core of one quorum member ("Kafkaesque Raft" as Kafka 3.3's
/// `KafkaRaftClient` + `QuorumState` implement it). A value type with one mutating method per
/// input — a message, the passage of time, a local append, a finished fsync, a snapshot — each
/// returning the directives its shell must carry out in order. It performs no I/O and reads no
/// clock: time comes in as `now` (milliseconds) and randomness from a seeded generator.
public struct RaftInstance: Sendable {
    public let localId: Int32
    /// The static voter set (`controller.quorum.voters`), sorted.
    public let voters: [Int32]
    public let config: RaftConfig
    public internal(set) var state: EpochState
    public internal(set) var log: RaftLog
    /// Records below this offset are on disk (the last `onLogFlushed`).
    public internal(set) var flushedOffset: Int64
    /// Records below this offset are committed. Not persisted (Kafka neither): after a restart
    /// it starts again from the snapshot.
    public internal(set) var highWatermark: Int64

    var random: DeterministicRandom
    var nextCorrelationId: Int32
    /// The one request awaiting an answer from each destination.
    var outstanding: [Int32: OutstandingRequest] = [:]
    var isFlushPending = false
    /// Set once the core emitted `.halt`: every later input is ignored.
    public internal(set) var haltReason: String?

    struct OutstandingRequest: Sendable, Equatable {
        var correlationId: Int32
        var sentAt: Int64
    }

    /// Starts a member from what its shell read from disk (`QuorumState.initialize`): a former
    /// leader restarts Resigned in its epoch, a former candidate stands again in its epoch, a voter
    /// keeps its vote, a follower its leader; a log newer than the stored epoch wins.
    public init(
        localId: Int32, voters: [Int32], config: RaftConfig = RaftConfig(), quorumState: QuorumStateData?,
        log: RaftLog = RaftLog(), now: Int64, seed: UInt64
    ) {
        self.localId = localId
        self.voters = voters.sorted()
        self.config = config
        self.log = log
        self.flushedOffset = log.endOffset
        self.highWatermark = log.startOffset
        self.random = DeterministicRandom(seed: seed)
        self.nextCorrelationId = Int32(truncatingIfNeeded: random.next() & 0x3FFF_FFFF)
        self.state = .unattached(UnattachedState(epoch: 0, electionDeadline: now))
        let stored = quorumState ?? QuorumStateData(leaderEpoch: 0, leaderId: nil, votedId: nil, currentVoters: voters)
        let electionDeadline = now + randomElectionTimeout()
        if log.lastFetchedEpoch > stored.leaderEpoch || !isVoter {
            state = .unattached(UnattachedState(epoch: max(log.lastFetchedEpoch, stored.leaderEpoch), electionDeadline: electionDeadline))
        } else if stored.leaderId == localId {
            state = .resigned(ResignedState(
                epoch: stored.leaderEpoch, preferredSuccessors: [], unackedVoters: Set(otherVoters),
                electionDeadline: electionDeadline))
        } else if stored.votedId == localId {
            state = .candidate(CandidateState(
                epoch: stored.leaderEpoch, retries: 1, granted: [localId], rejected: [],
                electionDeadline: electionDeadline))
        } else if let votedId = stored.votedId {
            state = .voted(VotedState(epoch: stored.leaderEpoch, votedId: votedId, electionDeadline: electionDeadline))
        } else if let leaderId = stored.leaderId {
            state = .follower(FollowerState(epoch: stored.leaderEpoch, leaderId: leaderId, fetchDeadline: now + config.fetchTimeoutMs))
        } else {
            state = .unattached(UnattachedState(epoch: stored.leaderEpoch, electionDeadline: electionDeadline))
        }
    }

    public var isVoter: Bool { voters.contains(localId) }
    var otherVoters: [Int32] { voters.filter { $0 != localId } }
    public var epoch: Int32 { state.epoch }
    public var leaderId: Int32? { state.leaderId(localId: localId) }

    /// The persisted form of the current state.
    public var quorumStateData: QuorumStateData {
        var votedId: Int32?
        switch state {
        case .voted(let s): votedId = s.votedId
        case .candidate: votedId = localId
        default: votedId = nil
        }
        return QuorumStateData(leaderEpoch: epoch, leaderId: leaderId, votedId: votedId, currentVoters: voters)
    }

    // MARK: Inputs

    /// First call after `init`: sends whatever the restored state calls for.
    public mutating func start(now: Int64) -> [RaftDirective] {
        var directives: [RaftDirective] = []
        poll(now: now, &directives)
        return directives
    }

    /// A message arrived from another member.
    public mutating func onMessage(_ envelope: RaftEnvelope, now: Int64) -> [RaftDirective] {
        var directives: [RaftDirective] = []
        guard envelope.destination == localId, haltReason == nil else { return directives }
        switch envelope.message {
        case .voteRequest(let request): handleVoteRequest(request, from: envelope, now: now, &directives)
        case .voteResponse(let response): handleVoteResponse(response, from: envelope, now: now, &directives)
        case .beginQuorumEpochRequest(let request): handleBeginQuorumEpochRequest(request, from: envelope, now: now, &directives)
        case .beginQuorumEpochResponse(let response): handleBeginQuorumEpochResponse(response, from: envelope, now: now, &directives)
        case .endQuorumEpochRequest(let request): handleEndQuorumEpochRequest(request, from: envelope, now: now, &directives)
        case .endQuorumEpochResponse(let response): handleEndQuorumEpochResponse(response, from: envelope, now: now, &directives)
        case .fetchRequest(let request): handleFetchRequest(request, from: envelope, now: now, &directives)
        case .fetchResponse(let response): handleFetchResponse(response, from: envelope, now: now, &directives)
        case .fetchSnapshotRequest(let request): handleFetchSnapshotRequest(request, from: envelope, now: now, &directives)
        case .fetchSnapshotResponse(let response): handleFetchSnapshotResponse(response, from: envelope, now: now, &directives)
        }
        poll(now: now, &directives)
        return directives
    }

    /// Time advanced to `now`: fires whatever timers are due (call it at `nextDeadline`).
    public mutating func onTick(now: Int64) -> [RaftDirective] {
        var directives: [RaftDirective] = []
        guard haltReason == nil else { return directives }
        poll(now: now, &directives)
        return directives
    }

    /// The fsync started by a `flushLog` directive finished: records below `endOffset` are durable.
    public mutating func onLogFlushed(endOffset: Int64, now: Int64) -> [RaftDirective] {
        var directives: [RaftDirective] = []
        guard haltReason == nil else { return directives }
        isFlushPending = false
        flushedOffset = max(flushedOffset, min(endOffset, log.endOffset))
        if case .leader(var leader) = state {
            leader.voterEndOffsets[localId] = flushedOffset
            state = .leader(leader)
            maybeAdvanceLeaderHighWatermark(now: now, &directives)
        }
        if flushedOffset < log.endOffset { requestFlush(&directives) }
        poll(now: now, &directives)
        return directives
    }

    /// The leader appends state-machine records in its epoch. Returns the offset of the first one,
    /// or nil when this member is not the leader (the caller retries elsewhere).
    public mutating func append(_ payloads: [[UInt8]], now: Int64) -> (baseOffset: Int64?, directives: [RaftDirective]) {
        var directives: [RaftDirective] = []
        guard case .leader(let leader) = state, !payloads.isEmpty, haltReason == nil else { return (nil, directives) }
        let baseOffset = log.endOffset
        appendAsLeader(payloads.map { RaftRecord(epoch: leader.epoch, payload: .data($0)) }, now: now, &directives)
        poll(now: now, &directives)
        return (baseOffset, directives)
    }

    /// Graceful resignation (KIP-595 EndQuorumEpoch): the leader steps down, naming the voters
    /// most caught up as preferred successors.
    public mutating func resign(now: Int64) -> [RaftDirective] {
        var directives: [RaftDirective] = []
        guard case .leader(let leader) = state else { return directives }
        transitionToResigned(
            preferredSuccessors: leader.followersByDescendingEndOffset(voters: voters, localId: localId), now: now,
            &directives)
        poll(now: now, &directives)
        return directives
    }

    /// KIP-630: the state machine took a snapshot of everything below `endOffset` (at most the high
    /// watermark); the log prefix it covers is deleted.
    public mutating func createSnapshot(endOffset: Int64, data: [UInt8], now: Int64) -> [RaftDirective] {
        var directives: [RaftDirective] = []
        guard endOffset <= highWatermark, endOffset <= log.endOffset, endOffset > (log.latestSnapshot?.id.offset ?? 0),
            endOffset >= log.startOffset
        else { return directives }
        let epoch = log.record(at: endOffset - 1)?.epoch ?? log.latestSnapshot?.id.epoch ?? 0
        let snapshot = RaftSnapshot(id: OffsetAndEpoch(offset: endOffset, epoch: epoch), data: data)
        log.deletePrefix(snapshot: snapshot)
        flushedOffset = max(flushedOffset, log.startOffset)
        directives.append(.writeSnapshot(snapshot))
        directives.append(.deleteLogPrefix(newStartOffset: log.startOffset))
        return directives
    }

    // MARK: Helpers shared by the extensions

    mutating func randomElectionTimeout() -> Int64 {
        config.electionTimeoutMs + random.nextInt64(below: config.electionTimeoutMs)
    }

    mutating func makeCorrelationId() -> Int32 {
        nextCorrelationId = nextCorrelationId == Int32.max ? 1 : nextCorrelationId + 1
        return nextCorrelationId
    }

    mutating func sendRequest(_ message: RaftMessage, to destination: Int32, now: Int64, _ directives: inout [RaftDirective]) {
        let correlationId = makeCorrelationId()
        outstanding[destination] = OutstandingRequest(correlationId: correlationId, sentAt: now)
        directives.append(.send(RaftEnvelope(source: localId, destination: destination, correlationId: correlationId, message: message)))
    }

    func sendResponse(_ message: RaftMessage, to request: RaftEnvelope, _ directives: inout [RaftDirective]) {
        directives.append(.send(RaftEnvelope(
            source: localId, destination: request.source, correlationId: request.correlationId, message: message)))
    }

    /// Whether a request to `destination` may be (re)sent: none outstanding, or it timed out.
    func canSendRequest(to destination: Int32, now: Int64) -> Bool {
        guard let request = outstanding[destination] else { return true }
        return now >= request.sentAt + config.requestTimeoutMs
    }

    /// Takes the outstanding request a response answers; false for a stale or duplicate response.
    mutating func consumeOutstanding(_ response: RaftEnvelope) -> Bool {
        guard outstanding[response.source]?.correlationId == response.correlationId else { return false }
        outstanding[response.source] = nil
        return true
    }

    mutating func requestFlush(_ directives: inout [RaftDirective]) {
        guard !isFlushPending else { return }
        isFlushPending = true
        directives.append(.flushLog)
    }

    mutating func setHighWatermark(_ offset: Int64, _ directives: inout [RaftDirective]) {
        guard offset != highWatermark else { return }
        highWatermark = offset
        directives.append(.highWatermarkAdvanced(offset))
    }
}
