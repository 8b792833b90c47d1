/// Timers and the sending each state does on its own (`KafkaRaftClient.poll*` per state), run after
/// every input, and `nextDeadline` to tell the shell when to call `onTick` next.
extension RaftInstance {
    /// A follower re-sends a Fetch that has gone unanswered this long (the leader parks a Fetch for
    /// at most `maxFetchWaitMs`, so twice that means it was lost).
    var fetchRetryTimeoutMs: Int64 { min(config.requestTimeoutMs, config.maxFetchWaitMs * 2) }

    mutating func poll(now: Int64, _ directives: inout [RaftDirective]) {
        switch state {
        case .unattached(let unattached):
            if now >= unattached.electionDeadline {
                if isVoter {
                    transitionToCandidate(now: now, &directives)
                    poll(now: now, &directives)
                } else {
                    // An observer (a broker) never stands; it finds the leader by fetching from any
                    // voter, whose answer names the leader (`maybeSendAnyVoterFetch`).
                    state = .unattached(UnattachedState(epoch: unattached.epoch, electionDeadline: now + config.requestTimeoutMs))
                    sendAnyVoterFetch(now: now, &directives)
                }
            }
        case .voted(let voted):
            if now >= voted.electionDeadline {
                transitionToCandidate(now: now, &directives)
                poll(now: now, &directives)
            }
        case .candidate(var candidate):
            if let backoffDeadline = candidate.backoffDeadline {
                if now >= backoffDeadline {
                    transitionToCandidate(now: now, &directives)
                    poll(now: now, &directives)
                }
            } else if now >= candidate.electionDeadline {
                candidate.backoffDeadline = now + binaryExponentialElectionBackoff(retries: candidate.retries)
                state = .candidate(candidate)
            } else {
                for voter in otherVoters
                where !candidate.granted.contains(voter) && !candidate.rejected.contains(voter) && canSendRequest(to: voter, now: now) {
                    sendRequest(.voteRequest(.init(
                        candidateEpoch: candidate.epoch, candidateId: localId, lastOffsetEpoch: log.lastFetchedEpoch,
                        lastOffset: log.endOffset)), to: voter, now: now, &directives)
                }
            }
        case .leader(let leader):
            // Check-quorum: no Fetch from a majority within 1.5 × fetch timeout → resign.
            if now >= leader.checkQuorumDeadline, voters.count > 1 {
                transitionToResigned(preferredSuccessors: [], now: now, &directives)
                poll(now: now, &directives)
                return
            }
            expireParkedFetches(now: now, &directives)
            for voter in otherVoters where !leader.beginQuorumAcked.contains(voter) && canSendRequest(to: voter, now: now) {
                sendRequest(.beginQuorumEpochRequest(.init(leaderId: localId, leaderEpoch: leader.epoch)), to: voter, now: now, &directives)
            }
        case .follower(var follower):
            if now >= follower.fetchDeadline {
                if isVoter {
                    transitionToCandidate(now: now, &directives)
                    poll(now: now, &directives)
                } else {
                    // `pollFollowerAsObserver`: the leader went quiet; ask any voter who leads now.
                    state = .unattached(UnattachedState(epoch: follower.epoch, electionDeadline: now))
                    outstanding = [:]
                    poll(now: now, &directives)
                }
                return
            }
            if let retryAt = follower.retryAt {
                guard now >= retryAt else { return }
                follower.retryAt = nil
                state = .follower(follower)
            }
            let timedOut = outstanding[follower.leaderId].map { now >= $0.sentAt + fetchRetryTimeoutMs } ?? true
            guard timedOut, flushedOffset >= log.endOffset || !isVoter else { return }
            if let snapshotId = follower.fetchingSnapshot {
                sendFetchSnapshot(follower, snapshotId: snapshotId, now: now, &directives)
            } else {
                sendFetch(to: follower.leaderId, epoch: follower.epoch, now: now, &directives)
            }
        case .resigned(let resigned):
            if now >= resigned.electionDeadline {
                transitionToCandidate(now: now, &directives)
                poll(now: now, &directives)
                return
            }
            for voter in otherVoters where resigned.unackedVoters.contains(voter) && canSendRequest(to: voter, now: now) {
                sendRequest(.endQuorumEpochRequest(.init(
                    leaderId: localId, leaderEpoch: resigned.epoch, preferredSuccessors: resigned.preferredSuccessors)),
                    to: voter, now: now, &directives)
            }
        }
    }

    mutating func sendAnyVoterFetch(now: Int64, _ directives: inout [RaftDirective]) {
        guard !voters.isEmpty else { return }
        let voter = voters[Int(random.nextInt64(below: Int64(voters.count)))]
        sendFetch(to: voter, epoch: epoch, now: now, &directives)
    }

    /// The earliest time at which `onTick` has something to do.
    public var nextDeadline: Int64 {
        var deadlines: [Int64] = []
        let requestDeadlines = outstanding.values.map { $0.sentAt + config.requestTimeoutMs }
        switch state {
        case .unattached(let s): deadlines.append(s.electionDeadline)
        case .voted(let s): deadlines.append(s.electionDeadline)
        case .candidate(let s):
            if let backoff = s.backoffDeadline {
                deadlines.append(backoff)
            } else {
                deadlines.append(s.electionDeadline)
                deadlines += requestDeadlines
            }
        case .leader(let s):
            deadlines.append(s.checkQuorumDeadline)
            deadlines += s.parkedFetches.values.map(\.deadline)
            deadlines += requestDeadlines
        case .follower(let s):
            deadlines.append(s.fetchDeadline)
            if let retryAt = s.retryAt { deadlines.append(retryAt) }
            if let fetch = outstanding[s.leaderId] { deadlines.append(fetch.sentAt + fetchRetryTimeoutMs) }
        case .resigned(let s):
            deadlines.append(s.electionDeadline)
            deadlines += requestDeadlines
        }
        return deadlines.min() ?? Int64.max
    }
}
