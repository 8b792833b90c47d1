/// The leader side of pull replication (`handleFetchRequest`, `handleFetchSnapshotRequest`): the
/// follower's position is validated against the leader's log, answered with records, a
/// `divergingEpoch` or a `snapshotId`, and counted towards the high watermark.
extension RaftInstance {
    /// `validateLeaderOnlyRequest`: the error for a request that names `requestEpoch`, or nil when
    /// this member is the leader of exactly that epoch.
    func leaderOnlyRequestError(requestEpoch: Int32) -> RaftErrorCode? {
        if requestEpoch < epoch { return .fencedLeaderEpoch }
        if requestEpoch > epoch { return .unknownLeaderEpoch }
        return state.isLeader ? nil : .notLeaderOrFollower
    }

    mutating func handleFetchRequest(
        _ request: RaftMessage.FetchRequest, from envelope: RaftEnvelope, now: Int64, _ directives: inout [RaftDirective]
    ) {
        if let error = leaderOnlyRequestError(requestEpoch: request.currentLeaderEpoch) {
            sendResponse(.fetchResponse(.init(errorCode: error, leaderId: leaderId, leaderEpoch: epoch)), to: envelope, &directives)
            return
        }
        guard case .leader(var leader) = state else { return }
        recordVoterContact(envelope.source, in: &leader, now: now)
        switch log.validate(fetchOffset: request.fetchOffset, lastFetchedEpoch: request.lastFetchedEpoch) {
        case .diverging(let divergingEpoch):
            state = .leader(leader)
            sendResponse(.fetchResponse(.init(
                errorCode: .none, leaderId: localId, leaderEpoch: leader.epoch, highWatermark: leader.highWatermark ?? -1,
                logStartOffset: log.startOffset, divergingEpoch: divergingEpoch)), to: envelope, &directives)
        case .snapshot(let snapshotId):
            state = .leader(leader)
            sendResponse(.fetchResponse(.init(
                errorCode: .none, leaderId: localId, leaderEpoch: leader.epoch, highWatermark: leader.highWatermark ?? -1,
                logStartOffset: log.startOffset, snapshotId: snapshotId)), to: envelope, &directives)
        case .valid:
            // The fetch offset acknowledges everything below it (the follower flushed it first).
            if voters.contains(envelope.source), envelope.source != localId {
                leader.voterEndOffsets[envelope.source] = max(leader.voterEndOffsets[envelope.source] ?? -1, request.fetchOffset)
                leader.beginQuorumAcked.insert(envelope.source)
            } else if envelope.source != localId {
                leader.observerEndOffsets[envelope.source] = request.fetchOffset
            }
            leader.lastFetchTimestamps[envelope.source] = now
            if request.fetchOffset >= log.endOffset { leader.lastCaughtUpTimestamps[envelope.source] = now }
            leader.parkedFetches[envelope.source] = nil
            let parkIt = request.fetchOffset >= log.endOffset && request.maxWaitMs > 0
            if parkIt {
                leader.parkedFetches[envelope.source] = LeaderState.ParkedFetch(
                    source: envelope.source, correlationId: envelope.correlationId, fetchOffset: request.fetchOffset,
                    deadline: now + min(request.maxWaitMs, config.maxFetchWaitMs))
            }
            state = .leader(leader)
            if !parkIt {
                sendRecords(to: envelope.source, correlationId: envelope.correlationId, fetchOffset: request.fetchOffset, &directives)
            }
            maybeAdvanceLeaderHighWatermark(now: now, &directives)
        }
    }

    /// Check-quorum bookkeeping: a Fetch or FetchSnapshot from a voter shows it follows us.
    func recordVoterContact(_ voter: Int32, in leader: inout LeaderState, now: Int64) {
        guard voters.contains(voter) else { return }
        leader.fetchedInWindow.insert(voter)
        if (leader.fetchedInWindow.count + 1) * 2 > voters.count {
            leader.fetchedInWindow = []
            leader.checkQuorumDeadline = now + config.checkQuorumTimeoutMs
        }
    }

    func sendRecords(to destination: Int32, correlationId: Int32, fetchOffset: Int64, _ directives: inout [RaftDirective]) {
        guard case .leader(let leader) = state else { return }
        let records = Array(log.records(from: fetchOffset, maxCount: config.maxRecordsPerFetch))
        let response = RaftMessage.FetchResponse(
            errorCode: .none, leaderId: localId, leaderEpoch: leader.epoch, highWatermark: leader.highWatermark ?? -1,
            logStartOffset: log.startOffset, recordsBaseOffset: fetchOffset, records: records)
        directives.append(.send(RaftEnvelope(
            source: localId, destination: destination, correlationId: correlationId, message: .fetchResponse(response))))
    }

    /// Answers every parked Fetch (new records or a new high watermark are available).
    mutating func completeParkedFetches(now: Int64, _ directives: inout [RaftDirective]) {
        guard case .leader(var leader) = state, !leader.parkedFetches.isEmpty else { return }
        let parked = leader.parkedFetches.values.sorted { $0.source < $1.source }
        leader.parkedFetches = [:]
        state = .leader(leader)
        for fetch in parked {
            sendRecords(to: fetch.source, correlationId: fetch.correlationId, fetchOffset: fetch.fetchOffset, &directives)
        }
    }

    /// Answers parked Fetches whose `MaxWaitMs` has elapsed.
    mutating func expireParkedFetches(now: Int64, _ directives: inout [RaftDirective]) {
        guard case .leader(var leader) = state else { return }
        let expired = leader.parkedFetches.values.filter { $0.deadline <= now }.sorted { $0.source < $1.source }
        guard !expired.isEmpty else { return }
        for fetch in expired { leader.parkedFetches[fetch.source] = nil }
        state = .leader(leader)
        for fetch in expired {
            sendRecords(to: fetch.source, correlationId: fetch.correlationId, fetchOffset: fetch.fetchOffset, &directives)
        }
    }

    /// Recomputes the majority offset; when the high watermark moves, waiting fetchers hear of it.
    mutating func maybeAdvanceLeaderHighWatermark(now: Int64, _ directives: inout [RaftDirective]) {
        guard case .leader(var leader) = state else { return }
        guard let newHighWatermark = leader.maybeUpdateHighWatermark(voters: voters) else { return }
        state = .leader(leader)
        setHighWatermark(newHighWatermark, &directives)
        completeParkedFetches(now: now, &directives)
    }

    /// DescribeQuorum (`handleDescribeQuorumRequest`): only the leader answers; nil elsewhere.
    public func describeQuorum(now: Int64) -> QuorumInfo? {
        guard case .leader(let leader) = state else { return nil }
        func replica(_ id: Int32, _ offset: Int64?) -> QuorumInfo.ReplicaState {
            if id == localId {
                return .init(replicaId: id, logEndOffset: log.endOffset, lastFetchTimestamp: now, lastCaughtUpTimestamp: now)
            }
            return .init(
                replicaId: id, logEndOffset: offset ?? -1, lastFetchTimestamp: leader.lastFetchTimestamps[id] ?? -1,
                lastCaughtUpTimestamp: leader.lastCaughtUpTimestamps[id] ?? -1)
        }
        return QuorumInfo(
            leaderId: localId, leaderEpoch: leader.epoch, highWatermark: leader.highWatermark ?? -1,
            voters: voters.map { replica($0, leader.voterEndOffsets[$0]) },
            observers: leader.observerEndOffsets.keys.sorted().map { replica($0, leader.observerEndOffsets[$0]) })
    }

    /// KIP-630 FetchSnapshot: the leader serves its latest snapshot, at most `maxBytes` from
    /// `position` per response.
    mutating func handleFetchSnapshotRequest(
        _ request: RaftMessage.FetchSnapshotRequest, from envelope: RaftEnvelope, now: Int64,
        _ directives: inout [RaftDirective]
    ) {
        if let error = leaderOnlyRequestError(requestEpoch: request.currentLeaderEpoch) {
            sendResponse(.fetchSnapshotResponse(.init(
                errorCode: error, leaderId: leaderId, leaderEpoch: epoch, snapshotId: request.snapshotId)), to: envelope, &directives)
            return
        }
        guard case .leader(var leader) = state else { return }
        recordVoterContact(envelope.source, in: &leader, now: now)
        state = .leader(leader)
        guard let snapshot = log.snapshot(id: request.snapshotId) else {
            sendResponse(.fetchSnapshotResponse(.init(
                errorCode: .snapshotNotFound, leaderId: localId, leaderEpoch: epoch, snapshotId: request.snapshotId)),
                to: envelope, &directives)
            return
        }
        guard request.position >= 0, request.position <= Int64(snapshot.data.count) else {
            sendResponse(.fetchSnapshotResponse(.init(
                errorCode: .positionOutOfRange, leaderId: localId, leaderEpoch: epoch, snapshotId: request.snapshotId)),
                to: envelope, &directives)
            return
        }
        sendResponse(.fetchSnapshotResponse(.init(
            errorCode: .none, leaderId: localId, leaderEpoch: epoch, snapshotId: snapshot.id, size: Int64(snapshot.data.count),
            position: request.position,
            unalignedRecords: Array(snapshot.data[Int(request.position)..<min(
                snapshot.data.count, Int(request.position) + max(1, Int(request.maxBytes)))]))),
            to: envelope, &directives)
    }
}
