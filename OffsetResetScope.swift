/// Which partitions `--reset-offsets` resets: `--all-topics` (every partition the group has a
/// committed offset for, Kafka's `getPartitionsToReset`) or `--topic T` / `--topic T:0,1,2`.
public enum OffsetResetScope: Sendable, Equatable {
    public struct TopicArgument: Sendable, Equatable {
        public var topic: String
        /// nil: every partition of the topic.
        public var partitions: [Int32]?

        public init(topic: String, partitions: [Int32]?) {
            self.topic = topic
            self.partitions = partitions
        }

        /// Kafka's `parseTopicsWithPartitions`: `topic` or `topic:p1,p2,...`.
        public init(parsing argument: String) throws(ConsumerGroupsUsageError) {
            let pieces = argument.split(separator: ":", omittingEmptySubsequences: false)
            guard !pieces[0].isEmpty else { throw ConsumerGroupsUsageError("Invalid topic arg '\(argument)', expected topic name and partitions") }
            guard pieces.count <= 2 else { throw ConsumerGroupsUsageError("Invalid topic arg '\(argument)', expected topic name and partitions") }
            topic = String(pieces[0])
            guard pieces.count == 2 else {
                partitions = nil
                return
            }
            var parsed: [Int32] = []
            for partition in pieces[1].split(separator: ",", omittingEmptySubsequences: false) {
                guard let number = Int32(partition), number >= 0 else {
                    throw ConsumerGroupsUsageError("Invalid partition '\(partition)' specified in topic arg '\(argument)'")
                }
                parsed.append(number)
            }
            partitions = parsed
        }
    }

    case allTopics
    case topics([TopicArgument])
}
