import KafkaClient

/// What `zkafka console-consumer` does with its options (Kafka's `ConsoleConsumer.ConsumerConfig`
/// and `DefaultMessageFormatter`): where to start, when to stop, and how each record is printed.
public struct ConsoleConsumerSettings: Sendable, Equatable {
    public enum Start: Sendable, Equatable {
        case earliest
        case latest
        case offset(Int64)
    }

    public var consumer = ConsumerConfig()
    public var start = Start.latest
    public var partition: Int32?
    public var maxMessages: Int?
    public var timeoutMs: Int?
    public var formatter = MessageFormatter()

    /// Formatter properties (`--property`) of Kafka 2.8's `DefaultMessageFormatter`.
    public static let formatterProperties = [
        "print.timestamp", "print.key", "print.offset", "print.partition", "print.headers", "print.value",
        "key.separator", "line.separator", "headers.separator", "null.literal",
    ]

    /// Validates the options as Kafka's `ConsoleConsumer` does: `--offset` needs `--partition`
    /// and excludes `--from-beginning`; `--offset` is `earliest`, `latest` or a non-negative number.
    public static func parse(
        fromBeginning: Bool, partition: Int32?, offset: String?, properties: [String], consumerProperties: [String],
        maxMessages: Int?, timeoutMs: Int?
    ) throws(KafkaClientError) -> ConsoleConsumerSettings {
        var settings = ConsoleConsumerSettings()
        settings.consumer.clientID = "console-consumer"
        if let partition, partition < 0 { throw KafkaClientError.invalidConfig("--partition must be non-negative, got \(partition)") }
        settings.partition = partition
        if let offset {
            guard partition != nil else {
                throw KafkaClientError.invalidConfig("The partition is required when offset is specified (--offset needs --partition).")
            }
            guard !fromBeginning else {
                throw KafkaClientError.invalidConfig("Options from-beginning and offset cannot be specified together.")
            }
            switch offset.lowercased() {
            case "earliest": settings.start = .earliest
            case "latest": settings.start = .latest
            default:
                guard let number = Int64(offset), number >= 0 else {
                    throw KafkaClientError.invalidConfig(
                        "The provided offset value '\(offset)' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.")
                }
                settings.start = .offset(number)
            }
        } else if fromBeginning {
            settings.start = .earliest
        }
        if let maxMessages, maxMessages <= 0 { throw KafkaClientError.invalidConfig("--max-messages must be positive, got \(maxMessages)") }
        settings.maxMessages = maxMessages
        if let timeoutMs, timeoutMs < 0 { throw KafkaClientError.invalidConfig("--timeout-ms must be non-negative, got \(timeoutMs)") }
        settings.timeoutMs = timeoutMs
        for entry in consumerProperties {
            let (key, value) = try splitProperty(entry, option: "--consumer-property")
            try settings.consumer.set(key, value)
        }
        // With no offset to resume from, the console consumer starts at the end unless told otherwise.
        settings.consumer.autoOffsetReset = settings.start == .earliest ? .earliest : .latest
        for entry in properties {
            let (key, value) = try splitProperty(entry, option: "--property")
            try settings.formatter.set(key, value)
        }
        return settings
    }
}
