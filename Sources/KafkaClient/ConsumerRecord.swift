import KafkaProtocol

/// A record as the consumer hands it out (Kafka's `ConsumerRecord` with byte-array deserializers).
public struct ConsumerRecord: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// Milliseconds since the epoch: the producer's CreateTime, or the broker's LogAppendTime.
    public var timestamp: Int64
    public var timestampType: RecordBatchAttributes.TimestampType
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [RecordHeader]

    public init(
        topic: String, partition: Int32, offset: Int64, timestamp: Int64,
        timestampType: RecordBatchAttributes.TimestampType = .createTime, key: [UInt8]?, value: [UInt8]?,
        headers: [RecordHeader] = []
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
        self.timestampType = timestampType
        self.key = key
        self.value = value
        self.headers = headers
    }
}

/// Which offset ListOffsets should find (Kafka's `OffsetSpec`): the log start (timestamp -2), the
/// log end (-1), or the first offset whose timestamp is at least the given one.
public enum OffsetSpec: Sendable, Hashable {
    case earliest
    case latest
    case timestamp(Int64)

    var listOffsetsTimestamp: Int64 {
        switch self {
        case .earliest: -2
        case .latest: -1
        case .timestamp(let milliseconds): milliseconds
        }
    }
}

/// What the consumer does without a valid position (`auto.offset.reset`).
public enum OffsetResetPolicy: String, Sendable, Hashable {
    case earliest
    case latest
    /// Report ``KafkaClientError/offsetOutOfRange(topic:partition:offset:)`` instead.
    case none
}
