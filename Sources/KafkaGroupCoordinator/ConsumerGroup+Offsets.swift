import KafkaModel
import KafkaProtocol

extension ConsumerGroup {
    /// Whether an OffsetCommit may be stored (Kafka 2.8 `doCommitOffsets`): nil to store, or the
    /// error for every partition. A commit with generation -1 to an Empty group stores offsets
    /// for a client outside group management; members must name their generation; commits are
    /// refused while the assignment is being decided (CompletingRebalance), not while members
    /// rejoin (they learn about the rebalance from heartbeats). A valid commit renews the session.
    public mutating func commitRefusal(memberId: String, groupInstanceId: String?, generationId: Int32, nowMs: Int64) -> KafkaErrorCode? {
        if state == .dead { return .coordinatorNotAvailable }
        if isStaticMemberFenced(memberId: memberId, groupInstanceId: groupInstanceId) { return .fencedInstanceID }
        if generationId < 0 && state == .empty { return nil }
        guard members[memberId] != nil else { return .unknownMemberID }
        guard generationId == self.generationId else { return .illegalGeneration }
        switch state {
        case .stable, .preparingRebalance:
            scheduleHeartbeat(memberId, nowMs: nowMs)
            return nil
        case .completingRebalance:
            return .rebalanceInProgress
        case .empty, .dead:
            return .unknownMemberID
        }
    }

    /// The committed offsets are in the log: they become visible to OffsetFetch.
    public mutating func commitStored(_ committed: [TopicPartition: OffsetAndMetadata]) {
        offsets.merge(committed) { _, new in new }
    }

    /// Offsets as replayed from the log, or removed by tombstones (nil).
    public mutating func replaceOffsets(_ changes: [TopicPartition: OffsetAndMetadata?]) {
        for (topicPartition, offset) in changes { offsets[topicPartition] = offset }
    }

    /// Removes the offsets of `partitions`, returning those that existed (for tombstones).
    public mutating func removeOffsets(_ partitions: [TopicPartition]) -> [TopicPartition] {
        partitions.filter { offsets.removeValue(forKey: $0) != nil }
    }

    /// Kafka 2.8 `GroupMetadata.removeExpiredOffsets` (KIP-211): an Empty group's offsets expire
    /// `offsets.retention.minutes` after it became empty; a consumer group keeps the offsets of
    /// topics it subscribes to; offsets committed outside group management expire that long
    /// after their commit; an explicit expire timestamp (OffsetCommit v2–v4) wins. Returns the
    /// removed partitions, for tombstones.
    public mutating func removeExpiredOffsets(nowMs: Int64) -> [TopicPartition] {
        let retention = config.offsetsRetentionMs
        func expired(_ offset: OffsetAndMetadata, base: Int64) -> Bool {
            if let expire = offset.expireTimestampMs { return nowMs >= expire }
            return nowMs - base >= retention
        }
        let removed: [TopicPartition]
        if protocolType != nil && state == .empty {
            removed = offsets.filter { expired($0.value, base: stateTimestampMs) }.map(\.key)
        } else if protocolType == "consumer", let topics = subscribedTopics, state != .empty {
            removed = offsets.filter { !topics.contains($0.key.topic) && expired($0.value, base: $0.value.commitTimestampMs) }.map(\.key)
        } else if protocolType == nil {
            removed = offsets.filter { expired($0.value, base: $0.value.commitTimestampMs) }.map(\.key)
        } else {
            removed = []
        }
        for topicPartition in removed { offsets[topicPartition] = nil }
        return removed.sorted()
    }

    /// An Empty group without offsets is deleted after expiry (Kafka's `cleanupGroupMetadata`
    /// moves it to Dead and writes a tombstone for its group key).
    public mutating func markDeadIfEmptyWithoutOffsets(nowMs: Int64) -> Bool {
        guard state == .empty, offsets.isEmpty else { return false }
        transition(to: .dead, nowMs: nowMs)
        return true
    }

    /// DeleteGroups (Kafka's `handleDeleteGroups`): only an Empty group is deleted (with its
    /// offsets, returned for tombstones); nil means the group is not empty.
    public mutating func delete(nowMs: Int64) -> [TopicPartition]? {
        guard state == .empty else { return nil }
        transition(to: .dead, nowMs: nowMs)
        let removed = offsets.keys.sorted()
        offsets = [:]
        return removed
    }
}
