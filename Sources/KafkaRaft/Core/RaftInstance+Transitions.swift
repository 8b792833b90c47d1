/// State transitions (`QuorumState.transitionTo*`). Each one persists the new election state
/// before anything that depends on it is sent, and clears the requests of the previous state.
extension RaftInstance {
    mutating func transitionToUnattached(epoch: Int32, now: Int64, _ directives: inout [RaftDirective]) {
        precondition(epoch > self.epoch, "unattached epoch \(epoch) not above \(self.epoch) in \(state)")
        // `QuorumState.transitionToUnattached`: a member that was already waiting for an election
        // keeps its remaining election time, so a disruptive candidate with a stale log (there is
        // no pre-vote in 3.3) cannot hold back every other voter's timeout by bumping the epoch.
        let electionDeadline: Int64
        switch state {
        case .unattached(let s): electionDeadline = s.electionDeadline
        case .voted(let s): electionDeadline = s.electionDeadline
        case .candidate(let s): electionDeadline = s.electionDeadline
        case .leader, .follower, .resigned: electionDeadline = now + randomElectionTimeout()
        }
        state = .unattached(UnattachedState(epoch: epoch, electionDeadline: electionDeadline))
        enterState(&directives)
    }

    mutating func transitionToVoted(candidateId: Int32, now: Int64, _ directives: inout [RaftDirective]) {
        state = .voted(VotedState(epoch: epoch, votedId: candidateId, electionDeadline: now + randomElectionTimeout()))
        enterState(&directives)
    }

    mutating func transitionToFollower(epoch: Int32, leaderId: Int32, now: Int64, _ directives: inout [RaftDirective]) {
        precondition(leaderId != localId && epoch >= self.epoch, "cannot follow \(leaderId) in \(epoch) from \(state)")
        state = .follower(FollowerState(epoch: epoch, leaderId: leaderId, fetchDeadline: now + config.fetchTimeoutMs))
        enterState(&directives)
    }

    /// KIP-595: a voter whose timer expired stands in the next epoch, voting for itself.
    mutating func transitionToCandidate(now: Int64, _ directives: inout [RaftDirective]) {
        guard isVoter else { return }
        var retries = 1
        if case .candidate(let previous) = state { retries = previous.retries + 1 }
        state = .candidate(CandidateState(
            epoch: epoch + 1, retries: retries, granted: [localId], rejected: [],
            electionDeadline: now + randomElectionTimeout()))
        enterState(&directives)
        maybeBecomeLeader(now: now, &directives)
    }

    mutating func maybeBecomeLeader(now: Int64, _ directives: inout [RaftDirective]) {
        guard case .candidate(let candidate) = state, candidate.backoffDeadline == nil,
            candidate.hasMajority(of: voters)
        else { return }
        transitionToLeader(now: now, &directives)
    }

    /// KIP-595: the new leader persists itself, appends the LeaderChange control record at the start
    /// of its epoch, and announces itself with BeginQuorumEpoch (sent by `poll`).
    mutating func transitionToLeader(now: Int64, _ directives: inout [RaftDirective]) {
        var leader = LeaderState(
            epoch: epoch, epochStartOffset: log.endOffset, checkQuorumDeadline: now + config.checkQuorumTimeoutMs)
        leader.voterEndOffsets[localId] = flushedOffset
        state = .leader(leader)
        enterState(&directives)
        appendAsLeader([RaftRecord(epoch: epoch, payload: .leaderChange(leaderId: localId, voters: voters))], now: now, &directives)
    }

    mutating func transitionToResigned(preferredSuccessors: [Int32], now: Int64, _ directives: inout [RaftDirective]) {
        state = .resigned(ResignedState(
            epoch: epoch, preferredSuccessors: preferredSuccessors, unackedVoters: Set(otherVoters),
            electionDeadline: now + randomElectionTimeout()))
        // Kafka keeps the stored election unchanged: this member stays the leader of record of its
        // epoch, so it cannot vote again in it. Only the outstanding requests change.
        outstanding = [:]
    }

    private mutating func enterState(_ directives: inout [RaftDirective]) {
        outstanding = [:]
        directives.append(.persistQuorumState(quorumStateData))
        directives.append(.leaderChanged(epoch: epoch, leaderId: leaderId))
    }

    /// `maybeHandleCommonResponse` / `maybeTransition`: any message carrying a newer epoch, or naming
    /// the leader of the current epoch, moves this member along before the message is handled.
    mutating func observe(epoch observedEpoch: Int32, leaderId observedLeader: Int32?, now: Int64, _ directives: inout [RaftDirective]) {
        if observedEpoch > epoch {
            if let leader = observedLeader, leader != localId {
                transitionToFollower(epoch: observedEpoch, leaderId: leader, now: now, &directives)
            } else {
                transitionToUnattached(epoch: observedEpoch, now: now, &directives)
            }
            return
        }
        guard observedEpoch == epoch, let leader = observedLeader, leader != localId else { return }
        switch state {
        case .unattached, .voted, .candidate:
            transitionToFollower(epoch: observedEpoch, leaderId: leader, now: now, &directives)
        case .leader, .resigned:
            halt("member \(localId) leads epoch \(epoch) but \(leader) claims it too", &directives)
        case .follower(let follower):
            if follower.leaderId != leader { halt("two leaders in epoch \(epoch): \(follower.leaderId), \(leader)", &directives) }
        }
    }

    mutating func halt(_ reason: String, _ directives: inout [RaftDirective]) {
        guard haltReason == nil else { return }
        haltReason = reason
        outstanding = [:]
        directives.append(.halt(reason: reason))
    }

    /// Appends records of the leader's epoch and starts their fsync.
    mutating func appendAsLeader(_ records: [RaftRecord], now: Int64, _ directives: inout [RaftDirective]) {
        let baseOffset = log.endOffset
        for record in records { log.append(record) }
        directives.append(.appendToLog(baseOffset: baseOffset, records: records))
        requestFlush(&directives)
        completeParkedFetches(now: now, &directives)
    }
}
