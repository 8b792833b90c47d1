import KafkaClient

/// Kafka 2.8 `ConsumerGroupService.prepareOffsetsToReset` as a pure function: the new committed
/// offset of every partition in scope, from the partitions' log start / end offsets, the group's
/// committed offsets and (for `--to-datetime`) the offsets ListOffsets found for the timestamp.
public enum OffsetResetPlanner {
    public struct Inputs: Sendable {
        public var partitions: [TopicPartitionKey]
        public var logStartOffsets: [TopicPartitionKey: Int64]
        public var logEndOffsets: [TopicPartitionKey: Int64]
        public var committedOffsets: [TopicPartitionKey: Int64]
        /// The offset ListOffsets returned for the `--to-datetime` timestamp; absent (or -1) when
        /// no record is that recent.
        public var timestampOffsets: [TopicPartitionKey: Int64]

        public init(
            partitions: [TopicPartitionKey], logStartOffsets: [TopicPartitionKey: Int64], logEndOffsets: [TopicPartitionKey: Int64],
            committedOffsets: [TopicPartitionKey: Int64], timestampOffsets: [TopicPartitionKey: Int64] = [:]
        ) {
            self.partitions = partitions
            self.logStartOffsets = logStartOffsets
            self.logEndOffsets = logEndOffsets
            self.committedOffsets = committedOffsets
            self.timestampOffsets = timestampOffsets
        }
    }

    public struct Plan: Sendable, Equatable {
        public var offsets: [TopicPartitionKey: Int64]
        /// Kafka's warnings: clamped offsets, empty partitions falling back to the latest offset.
        public var warnings: [String]
    }

    public static func plan(_ scenario: OffsetResetScenario, _ inputs: Inputs) throws(ConsumerGroupsUsageError) -> Plan {
        var offsets: [TopicPartitionKey: Int64] = [:]
        var warnings: [String] = []
        func end(_ partition: TopicPartitionKey) throws(ConsumerGroupsUsageError) -> Int64 {
            guard let offset = inputs.logEndOffsets[partition] else {
                throw ConsumerGroupsUsageError("Error getting ending offset of topic partition: \(partition)")
            }
            return offset
        }
        /// Kafka's `checkOffsetsRange`.
        func clamped(_ offset: Int64, _ partition: TopicPartitionKey) throws(ConsumerGroupsUsageError) -> Int64 {
            let endOffset = try end(partition)
            if offset > endOffset {
                warnings.append("New offset (\(offset)) is higher than latest offset for topic partition \(partition). Value will be set to \(endOffset)")
                return endOffset
            }
            if let startOffset = inputs.logStartOffsets[partition], offset < startOffset {
                warnings.append("New offset (\(offset)) is lower than earliest offset for topic partition \(partition). Value will be set to \(startOffset)")
                return startOffset
            }
            return offset
        }
        for partition in inputs.partitions {
            switch scenario {
            case .toEarliest:
                guard let start = inputs.logStartOffsets[partition] else {
                    throw ConsumerGroupsUsageError("Error getting starting offset of topic partition: \(partition)")
                }
                offsets[partition] = start
            case .toLatest:
                offsets[partition] = try end(partition)
            case .toCurrent:
                if let committed = inputs.committedOffsets[partition] {
                    offsets[partition] = committed
                } else {
                    offsets[partition] = try end(partition)
                }
            case .toOffset(let offset):
                offsets[partition] = try clamped(offset, partition)
            case .shiftBy(let shift):
                guard let current = inputs.committedOffsets[partition] else {
                    throw ConsumerGroupsUsageError("Cannot shift offset for partition \(partition) since there is no current committed offset")
                }
                offsets[partition] = try clamped(current + shift, partition)
            case .toDatetime:
                if let found = inputs.timestampOffsets[partition], found >= 0 {
                    offsets[partition] = found
                } else {
                    warnings.append("Partition \(partition.partition) from topic \(partition.topic) is empty. Falling back to latest known offset.")
                    offsets[partition] = try end(partition)
                }
            }
        }
        return Plan(offsets: offsets, warnings: warnings)
    }
}
