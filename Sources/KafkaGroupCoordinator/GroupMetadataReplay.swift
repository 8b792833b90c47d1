import KafkaModel

/// Rebuilds the groups of one `__consumer_offsets` partition from its records, oldest first
/// (Kafka 2.8 `GroupMetadataManager.doLoadGroupsAndOffsets`). The log may be uncompacted: the
/// latest record per key wins and a tombstone (null value) deletes what its key named, so the
/// result is what compaction would have kept.
public struct GroupMetadataReplay: Sendable {
    public private(set) var groupValues: [String: GroupMetadataValue] = [:]
    public private(set) var offsets: [String: [TopicPartition: OffsetAndMetadata]] = [:]
    public private(set) var removedGroups: Set<String> = []
    /// Records that could not be read, with why (logged by the shell, then skipped).
    public private(set) var skipped: [String] = []

    public init() {}

    /// One record of the partition. A record without a key is not Kafka's and is skipped.
    public mutating func apply(key: [UInt8]?, value: [UInt8]?) {
        guard let key else {
            skipped.append("record without a key")
            return
        }
        do {
            switch try GroupRecordCodec.decodeKey(key) {
            case .offset(let groupId, let topicPartition):
                if let value {
                    offsets[groupId, default: [:]][topicPartition] = try GroupRecordCodec.decodeOffset(value)
                } else {
                    offsets[groupId]?[topicPartition] = nil
                }
            case .group(let groupId):
                if let value {
                    groupValues[groupId] = try GroupRecordCodec.decodeGroup(groupId: groupId, value)
                    removedGroups.remove(groupId)
                } else {
                    groupValues[groupId] = nil
                    removedGroups.insert(groupId)
                }
            }
        } catch {
            skipped.append("\(error)")
        }
    }

    /// The groups as loaded: those with a group record (with their offsets), plus groups that
    /// only committed offsets (Empty, no protocol). A deleted group without later offsets is gone.
    public func groups(config: GroupCoordinatorConfig, nowMs: Int64) -> [ConsumerGroup] {
        var result: [ConsumerGroup] = []
        for (groupId, value) in groupValues {
            result.append(.loaded(from: value, offsets: offsets[groupId] ?? [:], config: config, nowMs: nowMs))
        }
        for (groupId, groupOffsets) in offsets where groupValues[groupId] == nil && !groupOffsets.isEmpty {
            result.append(.offsetsOnly(groupId: groupId, offsets: groupOffsets, config: config, nowMs: nowMs))
        }
        return result.sorted { $0.groupId < $1.groupId }
    }
}
