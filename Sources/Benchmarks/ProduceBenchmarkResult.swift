/// What `zkafka bench produce` measured in one run.
public struct ProduceBenchmarkResult: Sendable {
    public enum Direction: String, Sendable {
        case produce
        case consume
    }

    /// One throughput figure: a client moving `records` records of one topic.
    public struct Throughput: Sendable {
        public var direction: Direction
        /// `RF1 acks=1`, `RF3 acks=all`.
        public var setup: String
        /// Copies of each byte written to disk and sent over loopback (the replication factor).
        public var copies: Int
        public var client: String
        public var records: Int
        public var seconds: Double
        public var bytes: Int
        public var targetRecordsPerSecond: Double?
        /// Why the figure is missing or suspect (the client failed, records were lost).
        public var problem: String?

        public var recordsPerSecond: Double { Double(records) / seconds }
        public var bytesPerSecond: Double { Double(bytes) / seconds }
    }

    /// End-to-end latency of records sent one per millisecond, send to receive.
    public struct Latency: Sendable {
        public var setup: String
        public var samples: Int
        public var sent: Int
        public var p50Ms: Double
        public var p99Ms: Double
        public var p999Ms: Double
        public var maxMs: Double
        public var problem: String?
    }

    public var records: Int
    public var recordSize: Int
    public var partitions: Int
    public var throughput: [Throughput] = []
    public var latency: [Latency] = []
    public var diskWriteBytesPerSecond: Double?
    public var diskWriteFsyncBytesPerSecond: Double?
    public var loopbackBytesPerSecond: Double?
    public var notes: [String] = []

    public init(records: Int, recordSize: Int, partitions: Int) {
        self.records = records
        self.recordSize = recordSize
        self.partitions = partitions
    }
}
