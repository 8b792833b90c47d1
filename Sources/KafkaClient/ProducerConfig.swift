import KafkaProtocol

/// The producer settings this client honours, with Kafka 2.8's defaults and property names
/// (`ProducerConfig.java`). ``set(_:_:)`` takes `key=value` pairs as the console producer's
/// `--producer-property` does.
public struct ProducerConfig: Sendable, Hashable {
    /// 0: no response; 1: the leader's write; -1 (`all`): the whole ISR, at least min.insync.replicas.
    public var acks: Int16 = 1
    /// How long a non-full batch waits for more records (`linger.ms`).
    public var lingerMs = 0
    /// A partition's batch is sent once this many bytes are in it (`batch.size`).
    public var batchSize = 16_384
    /// The most bytes of records buffered, not yet acknowledged, before `send` waits (`buffer.memory`).
    public var bufferMemory = 32 * 1024 * 1024
    /// The largest Produce request and the largest record (`max.request.size`).
    public var maxRequestSize = 1_048_576
    /// The broker's wait for acks, and this client's wait for the response (`request.timeout.ms`).
    public var requestTimeoutMs = 30_000
    /// How long a record may take, retries included, before it fails (`delivery.timeout.ms`).
    public var deliveryTimeoutMs = 120_000
    /// Retries of a failed batch (`retries`), bounded by `deliveryTimeoutMs`.
    public var retries = Int(Int32.max)
    public var retryBackoffMs = 100
    /// Produce requests outstanding per broker (`max.in.flight.requests.per.connection`).
    public var maxInFlightRequestsPerConnection = 5
    /// `none` or `gzip` (the codecs KafkaProtocol writes).
    public var compression: CompressionCodec = .none
    public var clientID = "zkafka-producer"
    /// How long `send` waits for an unknown topic's metadata (`max.block.ms` for metadata).
    public var maxBlockMs = 60_000

    public init() {}

    /// Applies one Kafka producer property; unknown keys and bad values are rejected naming them.
    public mutating func set(_ key: String, _ value: String) throws(KafkaClientError) {
        func int(_ range: ClosedRange<Int> = 0...Int.max) throws(KafkaClientError) -> Int {
            guard let number = Int(value), range.contains(number) else {
                throw KafkaClientError.invalidConfig(
                    "Invalid value '\(value)' for producer property \(key): expected an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return number
        }
        switch key {
        case "acks":
            switch value.lowercased() {
            case "all", "-1": acks = -1
            case "1": acks = 1
            case "0": acks = 0
            default: throw KafkaClientError.invalidConfig("Invalid value '\(value)' for producer property acks: expected all, -1, 0 or 1")
            }
        case "linger.ms": lingerMs = try int()
        case "batch.size": batchSize = try int()
        case "buffer.memory": bufferMemory = try int(1...Int.max)
        case "max.request.size": maxRequestSize = try int(1...Int.max)
        case "request.timeout.ms": requestTimeoutMs = try int(1...Int.max)
        case "delivery.timeout.ms": deliveryTimeoutMs = try int(1...Int.max)
        case "retries": retries = try int()
        case "retry.backoff.ms": retryBackoffMs = try int()
        case "max.in.flight.requests.per.connection": maxInFlightRequestsPerConnection = try int(1...Int.max)
        case "max.block.ms": maxBlockMs = try int()
        case "client.id": clientID = value
        case "compression.type":
            switch value {
            case "none": compression = .none
            case "gzip": compression = .gzip
            case "snappy": compression = .snappy
            case "lz4": compression = .lz4
            case "zstd": compression = .zstd
            default:
                throw KafkaClientError.invalidConfig(
                    "Unsupported compression.type '\(value)': one of none, gzip, snappy, lz4, zstd")
            }
        // Accepted for compatibility; they change nothing here (no idempotence, byte-array serializers).
        case "enable.idempotence":
            guard value == "false" else {
                throw KafkaClientError.invalidConfig("enable.idempotence=\(value) is not supported: this producer is not idempotent")
            }
        case "key.serializer", "value.serializer", "bootstrap.servers": break
        default:
            throw KafkaClientError.invalidConfig("Unknown producer property '\(key)'")
        }
    }
}
