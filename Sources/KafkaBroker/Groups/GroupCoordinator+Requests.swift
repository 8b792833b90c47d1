import Foundation
import KafkaGroupCoordinator
import KafkaModel
import KafkaProtocol

extension GroupCoordinator {
    /// JoinGroup: parked until the group answers (at once, or when its join phase completes).
    func join(groupId: String, _ input: JoinGroupInput) async -> JoinGroupOutcome {
        let now = Self.nowMs()
        return await withCheckedContinuation { continuation in
            let effects = state.withLock { state -> [Effect] in
                if let error = statusError(groupId, allowEmptyGroupId: false, in: state) {
                    return [.resumeJoin(continuation, .failure(error, memberId: input.memberId))]
                }
                // Kafka's getOrMaybeCreateGroup: only a join without member id creates the group.
                var group: ConsumerGroup
                if let existing = state.groups[groupId] {
                    group = existing
                } else if input.memberId.isEmpty {
                    group = ConsumerGroup(groupId: groupId, config: config, nowMs: now)
                } else {
                    return [.resumeJoin(continuation, .failure(.unknownMemberID, memberId: input.memberId))]
                }
                let token = state.token()
                state.parkedJoins[token] = continuation
                let actions = group.join(input, token: token, nowMs: now)
                state.groups[groupId] = group
                return takeEffects(of: actions, in: &state)
            }
            run(effects)
        }
    }

    /// SyncGroup: parked until the leader's assignment is stored (CompletingRebalance).
    func sync(groupId: String, _ input: SyncGroupInput) async -> SyncGroupOutcome {
        let now = Self.nowMs()
        return await withCheckedContinuation { continuation in
            let effects = state.withLock { state -> [Effect] in
                if let error = statusError(groupId, allowEmptyGroupId: false, in: state) {
                    // Loading lost the rebalance's state: the member must join again, and old clients
                    // do not expect COORDINATOR_LOAD_IN_PROGRESS here (Kafka's handleSyncGroup).
                    return [.resumeSync(continuation, .failure(error == .coordinatorLoadInProgress ? .rebalanceInProgress : error))]
                }
                guard var group = state.groups[groupId] else { return [.resumeSync(continuation, .failure(.unknownMemberID))] }
                let token = state.token()
                state.parkedSyncs[token] = continuation
                let actions = group.sync(input, token: token, nowMs: now)
                state.groups[groupId] = group
                return takeEffects(of: actions, in: &state)
            }
            run(effects)
        }
    }

    func heartbeat(groupId: String, memberId: String, groupInstanceId: String?, generationId: Int32) -> KafkaErrorCode {
        let now = Self.nowMs()
        return state.withLock { state in
            if let error = statusError(groupId, allowEmptyGroupId: false, in: state) {
                // While loading Kafka answers heartbeats blindly with success.
                return error == .coordinatorLoadInProgress ? .none : error
            }
            guard var group = state.groups[groupId] else { return .unknownMemberID }
            let error = group.heartbeat(memberId: memberId, groupInstanceId: groupInstanceId, generationId: generationId, nowMs: now)
            state.groups[groupId] = group
            return error
        }
    }

    func leave(groupId: String, _ members: [ConsumerGroup.LeavingMember]) -> (KafkaErrorCode, [KafkaErrorCode]) {
        let now = Self.nowMs()
        var result: (KafkaErrorCode, [KafkaErrorCode]) = (.none, [])
        let effects = state.withLock { state -> [Effect] in
            if let error = statusError(groupId, allowEmptyGroupId: false, in: state) {
                result = (error, [])
                return []
            }
            guard var group = state.groups[groupId] else {
                result = (.none, members.map { _ in .unknownMemberID })
                return []
            }
            let (error, memberErrors, actions) = group.leave(members, nowMs: now)
            state.groups[groupId] = group
            result = (error, memberErrors)
            return takeEffects(of: actions, in: &state)
        }
        run(effects)
        return result
    }

    /// OffsetCommit (Kafka's `handleCommitOffsets` + `storeOffsets`): validated by the group, then
    /// appended with acks=all; the offsets become visible once stored.
    func commitOffsets(
        groupId: String, memberId: String, groupInstanceId: String?, generationId: Int32,
        _ offsets: [TopicPartition: OffsetAndMetadata]
    ) async -> [TopicPartition: KafkaErrorCode] {
        let now = Self.nowMs()
        var errors: [TopicPartition: KafkaErrorCode] = [:]
        var accepted: [TopicPartition: OffsetAndMetadata] = [:]
        for (topicPartition, offset) in offsets {
            if offset.metadata.utf8.count > config.offsetMetadataMaxBytes {
                errors[topicPartition] = .offsetMetadataTooLarge
            } else {
                accepted[topicPartition] = offset
            }
        }
        let records = accepted.sorted { $0.key < $1.key }.map {
            (key: GroupRecordCodec.encodeKey(.offset(groupId: groupId, $0.key)), value: Optional(GroupRecordCodec.encodeOffset($0.value)))
        }
        var appended: Result<PendingAppend, AppendFailure>?
        let refusal: KafkaErrorCode? = state.withLock { state in
            if let error = statusError(groupId, allowEmptyGroupId: true, in: state) { return error }
            var group: ConsumerGroup
            if let existing = state.groups[groupId] {
                group = existing
            } else if generationId < 0 {
                // A client outside group management only stores offsets here.
                group = ConsumerGroup(groupId: groupId, config: config, nowMs: now)
            } else {
                return .illegalGeneration
            }
            let refusal = group.commitRefusal(memberId: memberId, groupInstanceId: groupInstanceId, generationId: generationId, nowMs: now)
            state.groups[groupId] = group
            // Appended under the lock, as Kafka appends under the group lock: a group's records
            // reach the log in the order the group accepted them.
            if refusal == nil && !records.isEmpty { appended = appendLocally(records, toPartition: partitionFor(groupId)) }
            return refusal
        }
        if let refusal {
            for topicPartition in offsets.keys { errors[topicPartition] = refusal }
            return errors
        }
        guard let appended else { return errors }
        let stored: KafkaErrorCode
        switch appended {
        case .success(let pending): stored = Self.commitError(await acknowledgement(of: pending))
        case .failure(let failure): stored = Self.commitError(failure.code)
        }
        if stored == .none {
            state.withLock { state in state.groups[groupId]?.commitStored(accepted) }
        }
        for topicPartition in accepted.keys { errors[topicPartition] = stored }
        return errors
    }

    /// OffsetFetch (Kafka's `handleFetchOffsets`): the committed offsets, whatever the group's
    /// state; nil partitions means all of the group's.
    func fetchOffsets(groupId: String, partitions: [TopicPartition]?) -> (KafkaErrorCode, [(TopicPartition, OffsetAndMetadata?)]) {
        state.withLock { state in
            if let error = statusError(groupId, allowEmptyGroupId: true, in: state) { return (error, []) }
            let offsets = state.groups[groupId].map(\.offsets) ?? [:]
            let wanted = partitions ?? offsets.keys.sorted()
            return (.none, wanted.map { ($0, offsets[$0]) })
        }
    }

    /// DescribeGroups: the group, or nil when this coordinator has none of that id (Dead).
    func describe(groupId: String) -> (KafkaErrorCode, ConsumerGroup?) {
        state.withLock { state in
            if let error = statusError(groupId, allowEmptyGroupId: true, in: state) { return (error, nil) }
            return (.none, state.groups[groupId])
        }
    }

    /// DeleteGroups (Kafka's `handleDeleteGroups`): Empty groups are deleted with their offsets
    /// (tombstones for each offset and the group key); others are NON_EMPTY_GROUP.
    func deleteGroups(_ groupIds: [String]) async -> [String: KafkaErrorCode] {
        let now = Self.nowMs()
        var errors: [String: KafkaErrorCode] = [:]
        var tombstones: [Int32: [(key: [UInt8], value: [UInt8]?)]] = [:]
        state.withLock { state in
            for groupId in groupIds {
                if let error = statusError(groupId, allowEmptyGroupId: true, in: state) {
                    errors[groupId] = error
                    continue
                }
                guard var group = state.groups[groupId], group.state != .dead else {
                    errors[groupId] = .groupIDNotFound
                    continue
                }
                guard let removed = group.delete(nowMs: now) else {
                    errors[groupId] = .nonEmptyGroup
                    continue
                }
                state.groups[groupId] = nil
                tombstones[partitionFor(groupId), default: []] +=
                    removed.map { (GroupRecordCodec.encodeKey(.offset(groupId: groupId, $0)), nil) }
                    + [(GroupRecordCodec.encodeKey(.group(groupId)), nil)]
                errors[groupId] = KafkaErrorCode.none
            }
        }
        for (index, records) in tombstones { _ = await append(records, toPartition: index) }
        return errors
    }

    /// OffsetDelete (KIP-496, Kafka's `handleDeleteOffsets`): offsets of topics the group does not
    /// consume are deleted; those it subscribes to get GROUP_SUBSCRIBED_TO_TOPIC.
    func deleteOffsets(groupId: String, _ partitions: [TopicPartition]) async -> (KafkaErrorCode, [TopicPartition: KafkaErrorCode]) {
        var result: (KafkaErrorCode, [TopicPartition: KafkaErrorCode]) = (.none, [:])
        var removed: [TopicPartition] = []
        state.withLock { state in
            if let error = statusError(groupId, allowEmptyGroupId: false, in: state) {
                result.0 = error
                return
            }
            guard var group = state.groups[groupId], group.state != .dead else {
                result.0 = .groupIDNotFound
                return
            }
            var eligible = partitions
            if group.state != .empty {
                guard let subscribed = group.subscribedTopics else {
                    result.0 = .nonEmptyGroup
                    return
                }
                eligible = partitions.filter { !subscribed.contains($0.topic) }
                for topicPartition in partitions where subscribed.contains(topicPartition.topic) {
                    result.1[topicPartition] = .groupSubscribedToTopic
                }
            }
            removed = group.removeOffsets(eligible)
            for topicPartition in eligible { result.1[topicPartition] = KafkaErrorCode.none }
            state.groups[groupId] = group
        }
        if !removed.isEmpty {
            _ = await append(
                removed.map { (GroupRecordCodec.encodeKey(.offset(groupId: groupId, $0)), nil) }, toPartition: partitionFor(groupId))
        }
        return result
    }

    /// A new member id's unique part (Kafka: a random UUID).
    static func newMemberIdSuffix() -> String { UUID().uuidString.lowercased() }
}
