import KafkaModel
import Logging
import Synchronization

/// Kafka's `LogCleaner` with its `LogCleanerManager`: picks the compacted log with the highest dirty
/// ratio, cleans it, and records in each log dir's `cleaner-offset-checkpoint` (Kafka's offset
/// checkpoint format) how far each log was cleaned. Runs on its own background thread.
public final class LogCleaner: Sendable {
    public let config: CleanerConfig
    let logger: Logger
    let nowMs: @Sendable () -> Int64
    /// The logs to consider, each with its log dir.
    let logs: @Sendable () -> [(log: PartitionLog, dir: String)]
    let scheduler = BackgroundScheduler()

    /// Kafka's cleaner gauges.
    public struct Gauges: Sendable, Hashable {
        /// `max-dirty-percent`: the highest dirty ratio among compacted logs at the last check, in percent.
        public var maxDirtyPercent: Int = 0
        /// `cleaner-recopy-percent`: bytes written over bytes read by the last pass, in percent.
        public var cleanerRecopyPercent: Int = 0
        /// `max-clean-time-secs`: how long the last pass took.
        public var maxCleanTimeSecs: Int = 0
        /// Passes completed since start (not a Kafka gauge; for tests and logs).
        public var passes: Int = 0

        public init() {}
    }

    struct State: Sendable {
        /// Per log dir, the first dirty offset of each log cleaned so far.
        var checkpoints: [String: [TopicPartition: Int64]] = [:]
        var gauges = Gauges()
    }
    let state: Mutex<State>

    public init(
        config: CleanerConfig, logDirs: [String], logger: Logger, nowMs: @escaping @Sendable () -> Int64,
        logs: @escaping @Sendable () -> [(log: PartitionLog, dir: String)]
    ) {
        self.config = config
        self.logger = logger
        self.nowMs = nowMs
        self.logs = logs
        var state = State()
        for dir in logDirs {
            let path = dir + "/" + LogFileNames.cleanerCheckpoint
            do {
                state.checkpoints[dir] = try OffsetCheckpointFile(path: path).read()
            } catch {
                // Kafka logs a corrupt cleaner checkpoint and starts those logs from their log start.
                logger.warning("ignoring unreadable cleaner checkpoint", metadata: ["path": "\(path)", "error": "\(error)"])
            }
        }
        self.state = Mutex(state)
    }

    public var gauges: Gauges { state.withLock { $0.gauges } }

    /// The cleaner checkpoint of a log (its first dirty offset), if it was ever cleaned.
    public func checkpointedOffset(_ tp: TopicPartition) -> Int64? {
        state.withLock { state in state.checkpoints.values.lazy.compactMap { $0[tp] }.first }
    }

    /// Starts the cleaner thread: it cleans while logs need it, then sleeps `log.cleaner.backoff.ms`.
    public func start() {
        guard config.enable else { return }
        scheduler.start([("kafka-log-cleaner-thread-0", max(1, config.backoffMs), { [self] in
            var passes = 0
            // Kafka's CleanerThread.doWork: clean again at once after a pass, back off when idle.
            while passes < 100, (try? cleanFilthiestLog()) != nil { passes += 1 }
        })])
    }

    public func stop() { scheduler.stop() }

    /// Kafka's `cleanFilthiestLog`: one pass over the dirtiest log, if any is above its
    /// `min.cleanable.dirty.ratio`. Returns the pass's statistics (nil when nothing needed cleaning).
    @discardableResult
    public func cleanFilthiestLog(crashPoint: CleanerCrashPoint? = nil) throws -> CleanerStats? {
        let now = nowMs()
        let checkpoints = state.withLock { $0.checkpoints }
        var candidates: [(log: CleanableLog, minCleanableRatio: Double)] = []
        var byPartition: [TopicPartition: (log: PartitionLog, dir: String)] = [:]
        var adjusted: [(dir: String, tp: TopicPartition, offset: Int64)] = []
        let current = logs()
        for (log, dir) in current {
            let tp = log.topicPartition
            let checkpoint = checkpoints[dir]?[tp]
            guard let cleanable = log.cleanableLog(checkpointedDirtyOffset: checkpoint, nowMs: now) else { continue }
            // A checkpoint lowered by a truncation, or reset past the log end, is kept as computed.
            if let checkpoint, checkpoint != cleanable.firstDirtyOffset {
                adjusted.append((dir, tp, cleanable.firstDirtyOffset))
            }
            candidates.append((cleanable, log.config.minCleanableDirtyRatio))
            byPartition[tp] = (log, dir)
        }
        // Kafka's updateCheckpoints on log deletion: forget logs that are gone.
        var live: [String: Set<TopicPartition>] = [:]
        for (log, dir) in current { live[dir, default: []].insert(log.topicPartition) }
        state.withLock { state in
            for (dir, tp, offset) in adjusted { state.checkpoints[dir, default: [:]][tp] = offset }
            for dir in state.checkpoints.keys {
                state.checkpoints[dir] = state.checkpoints[dir]!.filter { live[dir]?.contains($0.key) ?? false }
            }
        }
        let maxDirty = candidates.map(\.log.cleanableRatio).max() ?? 0
        state.withLock { $0.gauges.maxDirtyPercent = Int(100 * maxDirty) }
        guard let chosen = CleanerSelection.filthiest(candidates), let target = byPartition[chosen.topicPartition] else {
            return nil
        }
        let started = ContinuousClock.now
        var stats: CleanerStats
        do {
            stats = try target.log.clean(chosen, offsetMapMemory: config.offsetMapMemory,
                loadFactor: config.dedupeBufferLoadFactor, nowMs: now, crashPoint: crashPoint)
        } catch {
            logger.error("cleaning failed", metadata: ["path": "\(target.log.directory)", "error": "\(error)"])
            throw error
        }
        let elapsed = ContinuousClock.now - started
        stats.elapsedMs = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        let entries = state.withLock { state in
            state.checkpoints[target.dir, default: [:]][chosen.topicPartition] = stats.endOffset
            state.gauges.cleanerRecopyPercent = Int(stats.recopyPercent)
            state.gauges.maxCleanTimeSecs = Int(stats.elapsedMs / 1000)
            state.gauges.passes += 1
            return state.checkpoints[target.dir]!
        }
        try OffsetCheckpointFile(path: target.dir + "/" + LogFileNames.cleanerCheckpoint).write(entries)
        logger.info(
            "cleaned log",
            metadata: [
                "path": "\(target.log.directory)", "endOffset": "\(stats.endOffset)", "bytesRead": "\(stats.bytesRead)",
                "bytesWritten": "\(stats.bytesWritten)", "recordsRead": "\(stats.recordsRead)",
                "recordsWritten": "\(stats.recordsWritten)",
            ])
        return stats
    }
}
