import KafkaClient

/// What one run of `zkafka consumer-groups` does, once its options are validated
/// (Kafka 2.8 `ConsumerGroupCommandOptions.checkArgs`).
public enum ConsumerGroupsAction: Sendable, Equatable {
    /// `--describe` shows one of three views (Kafka's `--offsets` is the default).
    public enum DescribeView: Sendable, Equatable {
        case offsets
        case members(verbose: Bool)
        case state
    }

    case list
    case describe(groups: [String], view: DescribeView)
    case delete(groups: [String])
    /// `--reset-offsets`; `execute` false is a dry run, `modeGiven` whether `--dry-run` or
    /// `--execute` was named (Kafka warns when neither was).
    case resetOffsets(group: String, scope: OffsetResetScope, scenario: OffsetResetScenario, execute: Bool, modeGiven: Bool)
    case deleteOffsets(group: String, topics: [String])
}
