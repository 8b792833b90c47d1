/// The consumer settings this client honours, with Kafka 2.8's defaults and property names
/// (`ConsumerConfig.java`). ``set(_:_:)`` takes `key=value` pairs as `--consumer-property` does.
public struct ConsumerConfig: Sendable, Hashable {
    /// How long the broker may hold a Fetch waiting for `fetchMinBytes` (`fetch.max.wait.ms`).
    public var fetchMaxWaitMs = 500
    public var fetchMinBytes = 1
    /// The most bytes one Fetch response may carry (`fetch.max.bytes`).
    public var fetchMaxBytes = 52_428_800
    /// The most bytes per partition in one Fetch response (`max.partition.fetch.bytes`).
    public var maxPartitionFetchBytes = 1_048_576
    public var autoOffsetReset = OffsetResetPolicy.latest
    public var requestTimeoutMs = 30_000
    /// Verify each batch's CRC-32C (`check.crcs`).
    public var checkCRCs = true
    /// Most records one `poll` returns (`max.poll.records`).
    public var maxPollRecords = 500
    public var clientID = "zkafka-consumer"
    /// The group `subscribe` joins (`group.id`); manual assignment ignores it.
    public var groupID: String?
    /// KIP-345 static membership (`group.instance.id`).
    public var groupInstanceID: String?
    public var sessionTimeoutMs = 10_000
    public var heartbeatIntervalMs = 3_000
    /// The rebalance timeout the member asks for (`max.poll.interval.ms`).
    public var maxPollIntervalMs = 300_000
    /// With `subscribe`: commit positions every `autoCommitIntervalMs`, before rejoining and on close.
    public var enableAutoCommit = true
    public var autoCommitIntervalMs = 5_000

    public init() {}

    /// Applies one Kafka consumer property; unknown keys and bad values are rejected naming them.
    public mutating func set(_ key: String, _ value: String) throws(KafkaClientError) {
        func int(_ range: ClosedRange<Int> = 0...Int.max) throws(KafkaClientError) -> Int {
            guard let number = Int(value), range.contains(number) else {
                throw KafkaClientError.invalidConfig(
                    "Invalid value '\(value)' for consumer property \(key): expected an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return number
        }
        switch key {
        case "fetch.max.wait.ms": fetchMaxWaitMs = try int()
        case "fetch.min.bytes": fetchMinBytes = try int()
        case "fetch.max.bytes": fetchMaxBytes = try int(1...Int(Int32.max))
        case "max.partition.fetch.bytes": maxPartitionFetchBytes = try int(1...Int(Int32.max))
        case "request.timeout.ms": requestTimeoutMs = try int(1...Int.max)
        case "max.poll.records": maxPollRecords = try int(1...Int.max)
        case "client.id": clientID = value
        case "check.crcs":
            guard let flag = Bool(value) else {
                throw KafkaClientError.invalidConfig("Invalid value '\(value)' for consumer property check.crcs: expected true or false")
            }
            checkCRCs = flag
        case "auto.offset.reset":
            guard let policy = OffsetResetPolicy(rawValue: value) else {
                throw KafkaClientError.invalidConfig(
                    "Invalid value '\(value)' for consumer property auto.offset.reset: expected earliest, latest or none")
            }
            autoOffsetReset = policy
        case "group.id": groupID = value
        case "group.instance.id": groupInstanceID = value
        case "session.timeout.ms": sessionTimeoutMs = try int(1...Int(Int32.max))
        case "heartbeat.interval.ms": heartbeatIntervalMs = try int(1...Int(Int32.max))
        case "max.poll.interval.ms": maxPollIntervalMs = try int(1...Int(Int32.max))
        case "auto.commit.interval.ms": autoCommitIntervalMs = try int()
        case "enable.auto.commit":
            guard let flag = Bool(value) else {
                throw KafkaClientError.invalidConfig("Invalid value '\(value)' for consumer property enable.auto.commit: expected true or false")
            }
            enableAutoCommit = flag
        // Accepted for compatibility: byte arrays are all this client deserializes, and without
        // transactions every isolation level reads the same.
        case "key.deserializer", "value.deserializer", "bootstrap.servers", "isolation.level":
            break
        default:
            throw KafkaClientError.invalidConfig("Unknown consumer property '\(key)'")
        }
    }
}
