/// The broker's `log.cleaner.*` settings (Kafka's `CleanerConfig`).
public struct CleanerConfig: Sendable, Hashable {
    /// `log.cleaner.enable` (true).
    public var enable: Bool
    /// `log.cleaner.threads` (1). The dedupe buffer is divided between them, as in Kafka.
    public var numThreads: Int
    /// `log.cleaner.dedupe.buffer.size` (128 MiB): memory for the offset maps of all threads.
    public var dedupeBufferSize: Int
    /// `log.cleaner.io.buffer.load.factor` (0.9).
    public var dedupeBufferLoadFactor: Double
    /// `log.cleaner.backoff.ms` (15000): sleep when no log needs cleaning.
    public var backoffMs: Int64

    public init(
        enable: Bool = true, numThreads: Int = 1, dedupeBufferSize: Int = 128 * 1024 * 1024,
        dedupeBufferLoadFactor: Double = 0.9, backoffMs: Int64 = 15_000
    ) {
        self.enable = enable
        self.numThreads = numThreads
        self.dedupeBufferSize = dedupeBufferSize
        self.dedupeBufferLoadFactor = dedupeBufferLoadFactor
        self.backoffMs = backoffMs
    }

    /// Memory for one thread's offset map.
    public var offsetMapMemory: Int { dedupeBufferSize / max(1, numThreads) }
}
