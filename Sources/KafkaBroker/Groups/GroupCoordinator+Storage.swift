import KafkaGroupCoordinator
import KafkaModel
import KafkaProtocol

extension GroupCoordinator {
    /// An append done locally, waiting for the ISR.
    struct PendingAppend: Sendable {
        var partition: Partition
        var requiredOffset: Int64
        var leaderEpoch: Int32
    }

    /// Appends records to an offsets partition as its leader with acks=all semantics (Kafka's
    /// `appendForGroup`: `replicaManager.appendRecords(requiredAcks = -1, timeout =
    /// offsets.commit.timeout.ms)`), returning the partition-level error.
    func append(_ records: [(key: [UInt8], value: [UInt8]?)], toPartition index: Int32) async -> KafkaErrorCode {
        switch appendLocally(records, toPartition: index) {
        case .success(let pending): await acknowledgement(of: pending)
        case .failure(let error): error.code
        }
    }

    struct AppendFailure: Error { var code: KafkaErrorCode }

    /// The leader's local append, done at once (under the coordinator's lock when the order of a
    /// group's records matters, as Kafka appends under the group lock).
    func appendLocally(_ records: [(key: [UInt8], value: [UInt8]?)], toPartition index: Int32) -> Result<PendingAppend, AppendFailure> {
        let topicPartition = TopicPartition(topic: Self.offsetsTopic, partition: index)
        guard let partition = replicaManager.partition(topicPartition) else { return .failure(.init(code: .notLeaderOrFollower)) }
        let now = Self.nowMs()
        let batch = RecordBatch(baseTimestamp: now, records: records.map { ($0.key, $0.value, [], now) })
        let views: [RecordBatchView]
        do {
            views = try RecordBatchView.batches(in: batch.encoded())
        } catch {
            return .failure(.init(code: .unknownServerError))
        }
        do throws(Partition.AppendError) {
            let (info, _) = try partition.appendRecordsToLeader(views, requiredAcks: -1, nowMs: now)
            replicaManager.activity.notify(topicPartition)
            return .success(PendingAppend(partition: partition, requiredOffset: info.lastOffset + 1, leaderEpoch: partition.leaderEpoch))
        } catch {
            switch error {
            case .notLeader: return .failure(.init(code: .notLeaderOrFollower))
            case .notEnoughReplicas: return .failure(.init(code: .notEnoughReplicas))
            case .log(let logError):
                logger.error("Append to \(topicPartition) failed: \(logError)")
                return .failure(.init(code: .kafkaStorageError))
            }
        }
    }

    /// Waits until the ISR has the append (the high watermark passed it), at most `offsets.commit.timeout.ms`.
    func acknowledgement(of pending: PendingAppend) async -> KafkaErrorCode {
        let topicPartition = pending.partition.topicPartition
        let deadline = ContinuousClock.now + .milliseconds(Int64(brokerConfig.offsetsCommitTimeoutMs))
        while true {
            let mark = replicaManager.activity.mark()
            switch pending.partition.acknowledgementState(requiredOffset: pending.requiredOffset, leaderEpoch: pending.leaderEpoch) {
            case .acknowledged: return .none
            case .notLeader: return .notLeaderOrFollower
            case .notEnoughReplicasAfterAppend: return .notEnoughReplicasAfterAppend
            case .pending: break
            }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return .requestTimedOut }
            await replicaManager.activity.wait(for: [topicPartition], after: mark, timeout: remaining)
        }
    }

    /// The local append of a group's record (`storeGroup`), done under the lock so a group's records
    /// are in the log in the order of its state changes.
    func appendGroupRecord(_ value: GroupMetadataValue) -> Result<PendingAppend, AppendFailure> {
        appendLocally(
            [(GroupRecordCodec.encodeKey(.group(value.groupId)), GroupRecordCodec.encodeGroup(value))],
            toPartition: partitionFor(value.groupId))
    }

    /// Kafka's `storeGroup` error mapping: storage errors as the group APIs report them.
    static func storeGroupError(_ error: KafkaErrorCode) -> KafkaErrorCode {
        switch error {
        case .none: return .none
        case .unknownTopicOrPartition, .notEnoughReplicas, .notEnoughReplicasAfterAppend: return .coordinatorNotAvailable
        case .notLeaderOrFollower, .kafkaStorageError: return .notCoordinator
        case .requestTimedOut: return .rebalanceInProgress
        default: return .unknownServerError
        }
    }

    /// Kafka's `storeOffsets` error mapping for OffsetCommit.
    static func commitError(_ error: KafkaErrorCode) -> KafkaErrorCode {
        switch error {
        case .none: .none
        case .unknownTopicOrPartition, .notEnoughReplicas, .notEnoughReplicasAfterAppend, .requestTimedOut: .coordinatorNotAvailable
        case .notLeaderOrFollower, .kafkaStorageError: .notCoordinator
        case .messageTooLarge, .recordListTooLarge: .invalidCommitOffsetSize
        default: .unknownServerError
        }
    }

    // MARK: - Leadership of offsets partitions

    /// This broker became leader of `__consumer_offsets-<index>` (Kafka's `onElection`): its groups
    /// and offsets are loaded from the log in the background; meanwhile the group APIs answer
    /// COORDINATOR_LOAD_IN_PROGRESS. A partition already served stays as it is (a leader epoch
    /// bump under the same leader).
    func onElection(partition index: Int32) {
        let load: UInt64? = state.withLock { state in
            guard state.partitions[index] == nil else { return nil }
            state.loads += 1
            state.partitions[index] = .loading(state.loads)
            return state.loads
        }
        guard let load else { return }
        Task.detached { [self] in await self.loadGroups(partition: index, load: load) }
    }

    /// This broker stopped leading the partition (Kafka's `onResignation`): its groups are
    /// unloaded; parked requests learn NOT_COORDINATOR.
    func onResignation(partition index: Int32) {
        let now = Self.nowMs()
        var unloaded: Int?
        let effects = state.withLock { state -> [Effect] in
            guard state.partitions.removeValue(forKey: index) != nil else { return [] }
            var effects: [Effect] = []
            var count = 0
            for (groupId, var group) in state.groups where partitionFor(groupId) == index {
                let actions = group.unload(nowMs: now)
                state.groups[groupId] = nil
                traceGroup(groupId, in: state)
                effects += takeEffects(of: actions, in: &state)
                count += 1
            }
            unloaded = count
            return effects
        }
        if let unloaded { logger.info("Unloaded \(unloaded) groups of \(Self.offsetsTopic)-\(index): no longer its leader") }
        run(effects)
    }

    /// Reads the partition's log from its start to its end and installs the groups found
    /// (Kafka's `doLoadGroupsAndOffsets`: every record left by the log cleaner is read and the
    /// latest per key wins; reads step over the offsets compaction removed).
    func loadGroups(partition index: Int32, load: UInt64) async {
        let topicPartition = TopicPartition(topic: Self.offsetsTopic, partition: index)
        let started = ContinuousClock.now
        var replay = GroupMetadataReplay()
        if let partition = replicaManager.partition(topicPartition) {
            let log = partition.log
            var offset = log.logStartOffset
            let end = log.logEndOffset
            reading: while offset < end {
                do {
                    let info = try log.read(startOffset: offset, maxBytes: 5 * 1_048_576, upperBound: end, minOneMessage: true)
                    let views = try RecordBatchView.batches(in: info.records)
                    guard !views.isEmpty else { break reading }
                    for view in views {
                        let next = view.header.baseOffset + Int64(view.header.lastOffsetDelta) + 1
                        defer { offset = next }
                        guard !view.header.attributes.isControl else { continue }
                        for record in try view.decode().records where view.header.baseOffset + Int64(record.offsetDelta) >= offset {
                            replay.apply(key: record.key, value: record.value)
                        }
                    }
                } catch {
                    logger.error("Error loading \(topicPartition) at offset \(offset): \(error); loading stops there")
                    break reading
                }
            }
        }
        for problem in replay.skipped { logger.warning("Skipped a record of \(topicPartition) while loading: \(problem)") }
        let now = Self.nowMs()
        let groups = replay.groups(config: config, nowMs: now)
        var effects: [Effect] = []
        let installed = state.withLock { state -> Bool in
            guard state.partitions[index] == .loading(load) else { return false }
            for var group in groups where partitionFor(group.groupId) == index {
                let actions = group.rebalanceIfOverCapacity(nowMs: now)
                state.groups[group.groupId] = group
                traceGroup(group.groupId, in: state)
                effects += takeEffects(of: actions, in: &state)
            }
            state.partitions[index] = .loaded
            return true
        }
        run(effects)
        if installed {
            logger.info(
                "Finished loading offsets and group metadata from \(topicPartition) in \(ContinuousClock.now - started): \(groups.count) groups")
        }
    }

    // MARK: - Offset expiry

    /// Kafka's `cleanupGroupMetadata` run every `offsets.retention.check.interval.ms`: expired
    /// offsets are removed and tombstoned; an Empty group left without offsets is deleted too.
    func expireOffsets() async {
        let now = Self.nowMs()
        let tombstones = state.withLock { state -> [Int32: [(key: [UInt8], value: [UInt8]?)]] in
            var tombstones: [Int32: [(key: [UInt8], value: [UInt8]?)]] = [:]
            for groupId in Array(state.groups.keys) {
                guard var group = state.groups[groupId], statusError(groupId, allowEmptyGroupId: true, in: state) == nil else { continue }
                let removed = group.removeExpiredOffsets(nowMs: now)
                let dead = group.markDeadIfEmptyWithoutOffsets(nowMs: now)
                var records = removed.map { (key: GroupRecordCodec.encodeKey(.offset(groupId: groupId, $0)), value: [UInt8]?.none) }
                if dead {
                    records.append((GroupRecordCodec.encodeKey(.group(groupId)), nil))
                    state.groups[groupId] = nil
                } else {
                    state.groups[groupId] = group
                }
                if !records.isEmpty { tombstones[partitionFor(groupId), default: []] += records }
            }
            return tombstones
        }
        for (index, records) in tombstones {
            logger.info("Removed \(records.count) expired offsets and groups of \(Self.offsetsTopic)-\(index)")
            _ = await append(records, toPartition: index)
        }
    }
}
