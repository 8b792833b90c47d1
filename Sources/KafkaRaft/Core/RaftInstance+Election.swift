/// Vote, BeginQuorumEpoch and EndQuorumEpoch (KIP-595), request and response sides.
extension RaftInstance {
    // MARK: Vote

    /// `handleVoteRequest`: a newer epoch first makes this member Unattached in it; then the vote is
    /// granted only by an Unattached voter whose log is not ahead of the candidate's
    /// (`UnattachedState.canGrantVote`), or again to the candidate a Voted member already chose.
    mutating func handleVoteRequest(
        _ request: RaftMessage.VoteRequest, from envelope: RaftEnvelope, now: Int64, _ directives: inout [RaftDirective]
    ) {
        func respond(_ self: inout RaftInstance, granted: Bool, error: RaftErrorCode = .none) {
            self.sendResponse(.voteResponse(.init(
                errorCode: error, leaderId: self.leaderId, leaderEpoch: self.epoch, voteGranted: granted)), to: envelope, &directives)
        }
        guard voters.contains(request.candidateId), isVoter else {
            respond(&self, granted: false, error: .inconsistentVoterSet)
            return
        }
        if request.candidateEpoch < epoch {
            respond(&self, granted: false, error: .fencedLeaderEpoch)
            return
        }
        if request.candidateEpoch > epoch {
            transitionToUnattached(epoch: request.candidateEpoch, now: now, &directives)
        }
        switch state {
        case .unattached:
            let candidateLog = OffsetAndEpoch(offset: request.lastOffset, epoch: request.lastOffsetEpoch)
            if candidateLog >= log.endOffsetAndEpoch {
                transitionToVoted(candidateId: request.candidateId, now: now, &directives)
                respond(&self, granted: true)
            } else {
                respond(&self, granted: false)
            }
        case .voted(let voted):
            respond(&self, granted: voted.votedId == request.candidateId)
        case .candidate, .leader, .follower, .resigned:
            respond(&self, granted: false)
        }
    }

    mutating func handleVoteResponse(
        _ response: RaftMessage.VoteResponse, from envelope: RaftEnvelope, now: Int64, _ directives: inout [RaftDirective]
    ) {
        guard consumeOutstanding(envelope) else { return }
        observe(epoch: response.leaderEpoch, leaderId: response.leaderId, now: now, &directives)
        guard case .candidate(var candidate) = state, response.leaderEpoch == candidate.epoch,
            response.errorCode == .none
        else { return }
        if response.voteGranted {
            candidate.granted.insert(envelope.source)
        } else {
            candidate.rejected.insert(envelope.source)
        }
        // A lost election backs off at once rather than waiting for the election timeout.
        if candidate.isRejected(by: voters), candidate.backoffDeadline == nil {
            candidate.backoffDeadline = now + binaryExponentialElectionBackoff(retries: candidate.retries)
        }
        state = .candidate(candidate)
        maybeBecomeLeader(now: now, &directives)
    }

    /// `binaryExponentialElectionBackoffMs`: 100 ms × a random number below 2^retries, capped at
    /// `controller.quorum.election.backoff.max.ms`.
    mutating func binaryExponentialElectionBackoff(retries: Int) -> Int64 {
        let range = Int64(1) << Int64(min(retries, 20))
        return min(RaftConfig.retryBackoffBaseMs * random.nextInt64(below: range), config.electionBackoffMaxMs)
    }

    // MARK: BeginQuorumEpoch

    mutating func handleBeginQuorumEpochRequest(
        _ request: RaftMessage.BeginQuorumEpochRequest, from envelope: RaftEnvelope, now: Int64,
        _ directives: inout [RaftDirective]
    ) {
        if request.leaderEpoch >= epoch {
            observe(epoch: request.leaderEpoch, leaderId: request.leaderId, now: now, &directives)
        }
        let error: RaftErrorCode = request.leaderEpoch < epoch ? .fencedLeaderEpoch : .none
        sendResponse(.beginQuorumEpochResponse(.init(errorCode: error, leaderId: leaderId, leaderEpoch: epoch)), to: envelope, &directives)
    }

    mutating func handleBeginQuorumEpochResponse(
        _ response: RaftMessage.EpochResponse, from envelope: RaftEnvelope, now: Int64, _ directives: inout [RaftDirective]
    ) {
        guard consumeOutstanding(envelope) else { return }
        observe(epoch: response.leaderEpoch, leaderId: response.leaderId, now: now, &directives)
        guard case .leader(var leader) = state, response.leaderEpoch == leader.epoch, response.errorCode == .none else { return }
        leader.beginQuorumAcked.insert(envelope.source)
        state = .leader(leader)
    }

    // MARK: EndQuorumEpoch

    /// A follower of the resigning leader shortens its fetch timeout by its rank among the
    /// preferred successors (`endEpochElectionBackoff`): the first — and, as in Kafka, a voter not
    /// named at all — stands at once; position p of n waits
    /// `min(backoffMax, (backoffMax >> (n - 1)) << (p - 1))` (`strictExponentialElectionBackoffMs`).
    mutating func handleEndQuorumEpochRequest(
        _ request: RaftMessage.EndQuorumEpochRequest, from envelope: RaftEnvelope, now: Int64,
        _ directives: inout [RaftDirective]
    ) {
        if request.leaderEpoch >= epoch {
            observe(epoch: request.leaderEpoch, leaderId: request.leaderId, now: now, &directives)
        }
        if case .follower(var follower) = state, follower.epoch == request.leaderEpoch, follower.leaderId == request.leaderId {
            let position = request.preferredSuccessors.firstIndex(of: localId) ?? -1
            let successorCount = Int64(request.preferredSuccessors.count)
            let backoff =
                position <= 0
                ? 0 : min(config.electionBackoffMaxMs, (config.electionBackoffMaxMs >> (successorCount - 1)) << Int64(position - 1))
            follower.fetchDeadline = min(follower.fetchDeadline, now + backoff)
            state = .follower(follower)
        }
        let error: RaftErrorCode = request.leaderEpoch < epoch ? .fencedLeaderEpoch : .none
        sendResponse(.endQuorumEpochResponse(.init(errorCode: error, leaderId: leaderId, leaderEpoch: epoch)), to: envelope, &directives)
    }

    mutating func handleEndQuorumEpochResponse(
        _ response: RaftMessage.EpochResponse, from envelope: RaftEnvelope, now: Int64, _ directives: inout [RaftDirective]
    ) {
        guard consumeOutstanding(envelope) else { return }
        observe(epoch: response.leaderEpoch, leaderId: response.leaderId, now: now, &directives)
        guard case .resigned(var resigned) = state, response.leaderEpoch == resigned.epoch else { return }
        resigned.unackedVoters.remove(envelope.source)
        state = .resigned(resigned)
    }
}
