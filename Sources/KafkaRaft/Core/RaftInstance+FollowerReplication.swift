/// The follower side of pull replication (`handleFetchResponse`, `handleFetchSnapshotResponse`):
/// append what the leader sent, truncate exactly the diverging tail, or install a snapshot.
extension RaftInstance {
    /// The Fetch a follower sends: its log end and last epoch, so the leader can detect divergence.
    mutating func sendFetch(to leaderId: Int32, epoch: Int32, now: Int64, _ directives: inout [RaftDirective]) {
        sendRequest(.fetchRequest(.init(
            replicaId: localId, currentLeaderEpoch: epoch, fetchOffset: log.endOffset,
            lastFetchedEpoch: log.lastFetchedEpoch, maxWaitMs: config.maxFetchWaitMs)), to: leaderId, now: now, &directives)
    }

    mutating func handleFetchResponse(
        _ response: RaftMessage.FetchResponse, from envelope: RaftEnvelope, now: Int64, _ directives: inout [RaftDirective]
    ) {
        guard consumeOutstanding(envelope) else { return }
        observe(epoch: response.leaderEpoch, leaderId: response.leaderId, now: now, &directives)
        if case .unattached(var unattached) = state, !isVoter {
            // The voter an observer asked does not know a leader either: ask again shortly.
            unattached.electionDeadline = now + config.retryBackoffMs
            state = .unattached(unattached)
            return
        }
        guard case .follower(var follower) = state, follower.epoch == response.leaderEpoch,
            follower.leaderId == envelope.source
        else { return }
        guard response.errorCode == .none else {
            follower.retryAt = now + config.retryBackoffMs
            state = .follower(follower)
            return
        }
        follower.fetchDeadline = now + config.fetchTimeoutMs
        follower.retryAt = nil
        if let divergingEpoch = response.divergingEpoch {
            state = .follower(follower)
            truncateDivergingTail(divergingEpoch, &directives)
        } else if let snapshotId = response.snapshotId {
            follower.fetchingSnapshot = snapshotId
            follower.snapshotBytes = []
            state = .follower(follower)
        } else {
            if response.recordsBaseOffset == log.endOffset, let first = response.records.first {
                // Epochs never go down along a log; records that would make them do so mean the
                // leader failed to detect a divergence.
                guard first.epoch >= log.lastFetchedEpoch else {
                    halt("member \(localId) got records of epoch \(first.epoch) after its epoch \(log.lastFetchedEpoch)", &directives)
                    return
                }
                let baseOffset = log.endOffset
                for record in response.records { log.append(record) }
                directives.append(.appendToLog(baseOffset: baseOffset, records: response.records))
                // Voters flush what they fetched before the next Fetch acknowledges it.
                requestFlush(&directives)
            }
            if response.highWatermark >= 0 {
                follower.leaderHighWatermark = response.highWatermark
                state = .follower(follower)
                // Only the prefix this response proved to match the leader's log is committed here.
                if response.recordsBaseOffset <= log.endOffset {
                    let newHighWatermark = min(response.highWatermark, log.endOffset)
                    if newHighWatermark > highWatermark { setHighWatermark(newHighWatermark, &directives) }
                }
            } else {
                state = .follower(follower)
            }
        }
    }

    /// `ReplicatedLog.truncateToEndOffset`: truncate to where the leader's epoch ends in our log too,
    /// never below what is known committed.
    mutating func truncateDivergingTail(_ divergingEpoch: OffsetAndEpoch, _ directives: inout [RaftDirective]) {
        let local = log.endOffset(forEpoch: divergingEpoch.epoch)
        var truncationOffset =
            local.epoch == divergingEpoch.epoch ? min(local.offset, divergingEpoch.offset) : local.offset
        truncationOffset = min(max(truncationOffset, log.startOffset), log.endOffset)
        guard truncationOffset >= highWatermark else {
            halt("member \(localId) told to truncate to \(truncationOffset), below its high watermark \(highWatermark)", &directives)
            return
        }
        guard truncationOffset < log.endOffset else { return }
        log.truncate(toEndOffset: truncationOffset)
        flushedOffset = min(flushedOffset, truncationOffset)
        directives.append(.truncateLog(toEndOffset: truncationOffset))
    }

    mutating func sendFetchSnapshot(_ follower: FollowerState, snapshotId: OffsetAndEpoch, now: Int64, _ directives: inout [RaftDirective]) {
        sendRequest(.fetchSnapshotRequest(.init(
            replicaId: localId, currentLeaderEpoch: follower.epoch, snapshotId: snapshotId,
            position: Int64(follower.snapshotBytes.count), maxBytes: Int32(clamping: config.maxSnapshotChunkBytes))),
            to: follower.leaderId, now: now, &directives)
    }

    /// KIP-630: the follower collects the snapshot chunk by chunk (`position` is where the next
    /// one starts); once all `size` bytes arrived it replaces its log with the snapshot, and its high
    /// watermark moves to the snapshot's end offset (a snapshot only covers committed records).
    mutating func handleFetchSnapshotResponse(
        _ response: RaftMessage.FetchSnapshotResponse, from envelope: RaftEnvelope, now: Int64,
        _ directives: inout [RaftDirective]
    ) {
        guard consumeOutstanding(envelope) else { return }
        observe(epoch: response.leaderEpoch, leaderId: response.leaderId, now: now, &directives)
        guard case .follower(var follower) = state, follower.epoch == response.leaderEpoch,
            follower.leaderId == envelope.source, follower.fetchingSnapshot == response.snapshotId
        else { return }
        let received = Int64(follower.snapshotBytes.count)
        guard response.errorCode == .none, response.position == received,
            received + Int64(response.unalignedRecords.count) <= response.size,
            !response.unalignedRecords.isEmpty || received == response.size
        else {
            // SNAPSHOT_NOT_FOUND: the leader has a newer snapshot; a plain Fetch will name it.
            follower.fetchingSnapshot = nil
            follower.snapshotBytes = []
            follower.retryAt = now + config.retryBackoffMs
            state = .follower(follower)
            return
        }
        follower.fetchDeadline = now + config.fetchTimeoutMs
        follower.snapshotBytes += response.unalignedRecords
        guard Int64(follower.snapshotBytes.count) == response.size else {
            state = .follower(follower)
            return
        }
        let snapshot = RaftSnapshot(id: response.snapshotId, data: follower.snapshotBytes)
        follower.fetchingSnapshot = nil
        follower.snapshotBytes = []
        state = .follower(follower)
        log.install(snapshot: snapshot)
        flushedOffset = log.endOffset
        directives.append(.installSnapshot(snapshot))
        if snapshot.id.offset > highWatermark { setHighWatermark(snapshot.id.offset, &directives) }
    }
}
