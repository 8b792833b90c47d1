import KafkaModel
import Logging
import Synchronization

/// Kafka's `LogManager`: all partition logs in `log.dirs`.
public final class LogManager: Sendable {
    public let logDirs: [String]
    let logger: Logger
    let nowMs: @Sendable () -> Int64
    let scheduler = BackgroundScheduler()
    /// Where disk errors in any log or checkpoint file are reported (Kafka's `logDirFailureChannel`).
    public let failureChannel: LogDirFailureChannel
    /// Kafka's `LogManager.cleaner`, present once `startLogCleaner` ran.
    let cleanerSlot = Mutex<LogCleaner?>(nil)

    struct State: Sendable {
        var config: LogConfig
        /// Each log knows its log dir (`PartitionLog.parentDir`, the manager's own string): a second
        /// dictionary of dirs by partition cost about 80 bytes per partition (issue 14).
        var logs: [TopicPartition: PartitionLog] = [:]
        /// How many logs each dir holds, so placing a new log is O(dirs), not O(logs).
        var logCounts: [String: Int] = [:]
        /// Each dir's logs by partition, rebuilt only after logs come or go (checkpoints every 5 s
        /// would otherwise sort 100,000 logs each time).
        var sortedByDir: [String: [PartitionLog]]?

        mutating func insert(_ log: PartitionLog, in dir: String) {
            logs[log.topicPartition] = log
            logCounts[dir, default: 0] += 1
            sortedByDir = nil
        }

        mutating func remove(_ topicPartition: TopicPartition) -> PartitionLog? {
            guard let log = logs.removeValue(forKey: topicPartition) else { return nil }
            logCounts[log.parentDir, default: 1] -= 1
            sortedByDir = nil
            return log
        }
    }
    let state: Mutex<State>

    /// Loads every `<topic>-<partition>` directory in each log dir (Kafka's `loadLogs`), deleting those
    /// ending `-delete`. Recovery points, log start offsets and high watermarks come from the dir's
    /// checkpoint files; with the `.kafka_cleanshutdown` marker recovery is skipped and the marker removed.
    public init(
        logDirs: [String], config: LogConfig, logger: Logger, nowMs: @escaping @Sendable () -> Int64,
        failureChannel: LogDirFailureChannel = LogDirFailureChannel()
    ) throws(LogError) {
        let dirs = logDirs.map { $0.count > 1 && $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.logDirs = dirs
        self.failureChannel = failureChannel
        self.logger = logger
        self.nowMs = nowMs
        var state = State(config: config)
        for dir in dirs {
            // Kafka's createAndValidateLogDirs: a missing dir is created; a file in its place is an error.
            try FileSystem.makeDirectory(dir)
        }
        for dir in dirs {
            let markerPath = dir + "/" + LogFileNames.cleanShutdownFile
            let clean = FileSystem.exists(markerPath)
            let recoveryPoints = Self.readResettableCheckpoint(dir, LogFileNames.recoveryPointCheckpoint, logger)
            let startOffsets = Self.readResettableCheckpoint(dir, LogFileNames.logStartOffsetCheckpoint, logger)
            // Kafka reads the high watermarks through `OffsetCheckpointFile.read`, which fails the log
            // dir (KafkaStorageException) on a malformed file: an error naming the file, not zeros.
            let highWatermarks = try OffsetCheckpointFile(path: dir + "/" + LogFileNames.replicationOffsetCheckpoint).read()
            for name in try FileSystem.list(dir).sorted() where FileSystem.isDirectory(dir + "/" + name) {
                let path = dir + "/" + name
                if name.hasSuffix(LogFileNames.deleteDirSuffix) {
                    logger.info("deleting log directory marked for deletion", metadata: ["path": "\(path)"])
                    try FileSystem.removeTree(path)
                    continue
                }
                // Kafka 3.3's loadLogs skips the KRaft metadata log (`KafkaRaftServer.MetadataTopic`),
                // which lives in the first log dir unless metadata.log.dir says otherwise; Raft owns it.
                if name == "__cluster_metadata-0" { continue }
                guard let tp = LogFileNames.topicPartition(fromDirectoryName: name) else {
                    logger.warning("skipping directory that is not a partition log", metadata: ["path": "\(path)"])
                    continue
                }
                if let other = state.logs[tp]?.parentDir {
                    throw .storage(path: path, operation: "load log (duplicate of \(other)/\(name))", errno: 17)
                }
                let log = try PartitionLog.open(
                    directory: path, topicPartition: tp, config: config,
                    recoveryPoint: recoveryPoints[tp] ?? 0, logStartOffset: startOffsets[tp] ?? 0,
                    highWatermark: highWatermarks[tp] ?? 0, hadCleanShutdown: clean, nowMs: nowMs(),
                    failureChannel: failureChannel, parentDir: dir)
                state.insert(log, in: dir)
            }
            if clean { try FileSystem.remove(markerPath) }
            logger.info(
                "loaded log dir", metadata: ["path": "\(dir)", "cleanShutdown": "\(clean)", "logs": "\(state.logCounts[dir, default: 0])"])
        }
        self.state = Mutex(state)
    }

    /// Recovery points and log start offsets: a malformed file is logged and treated as empty, as
    /// Kafka's `loadLogs` does ("resetting the recovery checkpoint to 0" → full recovery, which is
    /// safe). Other checkpoint files are errors naming the file.
    private static func readResettableCheckpoint(_ dir: String, _ name: String, _ logger: Logger) -> [TopicPartition: Int64] {
        do {
            return try OffsetCheckpointFile(path: dir + "/" + name).read()
        } catch {
            logger.warning("ignoring unreadable checkpoint file", metadata: ["path": "\(dir)/\(name)", "error": "\(error)"])
            return [:]
        }
    }

    public func log(for topicPartition: TopicPartition) -> PartitionLog? {
        state.withLock { $0.logs[topicPartition] }
    }

    /// Kafka's `getOrCreateLog`: a new log goes to the log dir holding the fewest logs (`nextLogDirs`).
    public func getOrCreateLog(_ topicPartition: TopicPartition) throws(LogError) -> PartitionLog {
        try state.withLock { (state) throws(LogError) -> PartitionLog in
            if let log = state.logs[topicPartition] { return log }
            // Kafka's nextLogDirs picks among the live dirs only; with none left it throws KafkaStorageException.
            guard let dir = liveLogDirs.min(by: { state.logCounts[$0, default: 0] < state.logCounts[$1, default: 0] }) else {
                throw .offline(path: logDirs.joined(separator: ","))
            }
            let log: PartitionLog
            do throws(LogError) {
                log = try PartitionLog.open(
                    directory: LogFileNames.logDirectory(dir, topicPartition), topicPartition: topicPartition,
                    config: state.config, recoveryPoint: 0, logStartOffset: 0, highWatermark: 0, hadCleanShutdown: true,
                    nowMs: nowMs(), failureChannel: failureChannel, parentDir: dir)
            } catch {
                if case .storage = error {
                    failureChannel.maybeAddOfflineLogDir(dir, message: "Error while creating log for \(topicPartition) in dir \(dir)", error: error)
                }
                throw error
            }
            state.insert(log, in: dir)
            logger.info("created log", metadata: ["path": "\(log.directory)"])
            return log
        }
    }

    /// Closes the log and removes its directory. Kafka renames it `<topic>-<partition>.<id>-delete` and
    /// deletes it later; here the removal is immediate.
    public func deleteLog(_ topicPartition: TopicPartition) throws(LogError) {
        let removed = state.withLock { $0.remove(topicPartition) }
        guard let removed else { return }
        try removed.delete()
        logger.info("deleted log", metadata: ["path": "\(removed.directory)"])
    }

    /// The log dirs that have not failed (Kafka's `liveLogDirs`).
    public var liveLogDirs: [String] { logDirs.filter { !failureChannel.hasOfflineLogDir($0) } }

    /// Kafka's `LogManager.handleLogDirFailure`: the logs in `dir` are marked offline and removed from the log
    /// manager (their files stay for recovery at the next start). Returns the partitions removed and whether any
    /// log dir is still live (Kafka halts the broker when none is: "Shutdown broker because all log dirs in … have
    /// failed").
    public func handleLogDirFailure(_ dir: String) -> (offline: [TopicPartition], anyDirLive: Bool) {
        let removed = state.withLock { state -> [PartitionLog] in
            let partitions = state.logs.values.filter { $0.parentDir == dir }.map(\.topicPartition)
            return partitions.compactMap { state.remove($0) }
        }
        for log in removed { log.markOffline() }
        checkpointDigests.withLock { digests in digests = digests.filter { !$0.key.hasPrefix(dir + "/") } }
        logger.warning("Logs for partitions in dir \(dir) are offline", metadata: ["logs": "\(removed.count)"])
        return (removed.map(\.topicPartition).sorted(), !liveLogDirs.isEmpty)
    }

    /// Every log with the log dir it lives in.
    public var logsWithDirs: [(log: PartitionLog, dir: String)] {
        state.withLock { state in state.logs.values.map { ($0, $0.parentDir) } }
            .sorted { $0.log.topicPartition < $1.log.topicPartition }
    }

    /// The log cleaner, once started.
    public var cleaner: LogCleaner? { cleanerSlot.withLock { $0 } }

    /// Kafka's `LogManager.startup` starting the `LogCleaner` (when `log.cleaner.enable`): compacts the
    /// logs whose `cleanup.policy` includes `compact`.
    @discardableResult
    public func startLogCleaner(_ config: CleanerConfig) -> LogCleaner {
        let cleaner = LogCleaner(
            config: config, logDirs: logDirs, logger: Logger(label: "kafka.log.LogCleaner"), nowMs: nowMs,
            logs: { [weak self] in self?.logsWithDirs ?? [] })
        cleanerSlot.withLock { $0 = cleaner }
        cleaner.start()
        return cleaner
    }

    public var allLogs: [PartitionLog] {
        state.withLock { Array($0.logs.values) }.sorted { $0.topicPartition < $1.topicPartition }
    }

    private func logsByDir() -> [String: [PartitionLog]] {
        state.withLock { state in
            if let cached = state.sortedByDir { return cached }
            var result: [String: [PartitionLog]] = [:]
            for dir in logDirs { result[dir] = [] }
            for log in state.logs.values { result[log.parentDir, default: []].append(log) }
            for dir in result.keys { result[dir]!.sort { $0.topicPartition < $1.topicPartition } }
            state.sortedByDir = result
            return result
        }
    }

    /// The digest of each checkpoint file's last written contents: unchanged files are not rewritten.
    private let checkpointDigests = Mutex<[String: Int]>([:])

    /// Which checkpoint files a call writes. Each file has one writer, as in Kafka: the replica manager's
    /// high-watermark task writes `replication-offset-checkpoint`, the log manager's recovery-point task
    /// `recovery-point-offset-checkpoint` and `log-start-offset-checkpoint`. Two writers of one file would race on
    /// its `.tmp` and could rename a half-written one into place.
    public enum CheckpointFiles: Sendable {
        case highWatermarks
        case recoveryPointsAndLogStartOffsets
        /// Both, at shutdown, when no task runs any more.
        case all
    }

    /// Writes `recovery-point-offset-checkpoint`, `log-start-offset-checkpoint` and
    /// `replication-offset-checkpoint` in every log dir (or only `files`).
    public func checkpoint(_ files: CheckpointFiles = .all) throws(LogError) {
        for (dir, logs) in logsByDir() { try checkpoint(dir: dir, logs: logs, files: files) }
    }

    /// Kafka's checkpoint writers run in `maybeHandleIOException`: a checkpoint that cannot be written fails its
    /// log dir. Offline dirs are skipped (Kafka checkpoints `liveLogDirs` only).
    private func checkpoint(dir: String, logs: [PartitionLog], files: CheckpointFiles) throws(LogError) {
        guard !failureChannel.hasOfflineLogDir(dir) else { return }
        do throws(LogError) {
            try writeCheckpoints(dir: dir, logs: logs, files: files)
        } catch {
            if case .storage = error {
                failureChannel.maybeAddOfflineLogDir(dir, message: "Disk error while writing checkpoints", error: error)
            }
            throw error
        }
    }

    private func writeCheckpoints(dir: String, logs: [PartitionLog], files: CheckpointFiles) throws(LogError) {
        var recoveryPoints: [(TopicPartition, Int64)] = []
        var startOffsets: [(TopicPartition, Int64)] = []
        var highWatermarks: [(TopicPartition, Int64)] = []
        recoveryPoints.reserveCapacity(logs.count)
        highWatermarks.reserveCapacity(logs.count)
        for log in logs {
            let offsets = log.checkpointOffsets
            recoveryPoints.append((log.topicPartition, offsets.recoveryPoint))
            highWatermarks.append((log.topicPartition, offsets.highWatermark))
            // Kafka's checkpointLogStartOffsetsInDir only records starts beyond the first segment.
            if offsets.logStartOffset > offsets.firstSegmentBaseOffset {
                startOffsets.append((log.topicPartition, offsets.logStartOffset))
            }
        }
        var written: [(String, [(TopicPartition, Int64)])] = []
        if files != .highWatermarks {
            written += [(LogFileNames.recoveryPointCheckpoint, recoveryPoints), (LogFileNames.logStartOffsetCheckpoint, startOffsets)]
        }
        if files != .recoveryPointsAndLogStartOffsets { written.append((LogFileNames.replicationOffsetCheckpoint, highWatermarks)) }
        for (name, entries) in written {
            let path = dir + "/" + name
            let previous = checkpointDigests.withLock { $0[path] }
            let digest = try OffsetCheckpointFile(path: path).write(sortedEntries: entries, unlessDigest: previous)
            checkpointDigests.withLock { $0[path] = digest }
        }
    }

    /// Starts Kafka's `kafka-log-retention`, `kafka-log-flusher` and `kafka-recovery-point-checkpoint`
    /// tasks on a dedicated thread. Failures are logged with the log's path.
    public func startBackgroundTasks(retentionCheckIntervalMs: Int64, flushCheckIntervalMs: Int64, checkpointIntervalMs: Int64) {
        scheduler.start([
            ("kafka-log-retention", retentionCheckIntervalMs, { [self] in
                for log in allLogs {
                    do {
                        let deleted = try log.deleteOldSegments(nowMs: nowMs())
                        if deleted > 0 {
                            logger.info("deleted old segments", metadata: ["path": "\(log.directory)", "segments": "\(deleted)"])
                        }
                    } catch {
                        logger.error("retention failed", metadata: ["path": "\(log.directory)", "error": "\(error)"])
                    }
                }
            }),
            ("kafka-log-flusher", flushCheckIntervalMs, { [self] in
                for log in allLogs {
                    do { try log.flushIfDue(nowMs: nowMs()) } catch {
                        logger.error("flush failed", metadata: ["path": "\(log.directory)", "error": "\(error)"])
                    }
                }
            }),
            ("kafka-recovery-point-checkpoint", checkpointIntervalMs, { [self] in
                for (dir, logs) in logsByDir() {
                    do { try checkpoint(dir: dir, logs: logs, files: .recoveryPointsAndLogStartOffsets) } catch {
                        logger.error("checkpoint failed", metadata: ["path": "\(dir)", "error": "\(error)"])
                    }
                }
            }),
        ])
    }

    /// Kafka's `LogManager.shutdown`: stops the tasks, closes every log, writes the checkpoints, then the
    /// `.kafka_cleanshutdown` marker in each dir whose logs all closed cleanly. The first error is thrown
    /// after every dir has been attempted.
    public func shutdown() throws(LogError) {
        scheduler.stop()
        cleaner?.stop()
        var firstError: LogError?
        for (dir, logs) in logsByDir().sorted(by: { $0.key < $1.key }) {
            // An offline dir gets no clean-shutdown marker: its logs are recovered at the next start.
            if failureChannel.hasOfflineLogDir(dir) { continue }
            do {
                for log in logs { try log.close() }
                try checkpoint(dir: dir, logs: logs, files: .all)
                let marker = try PosixFile.open(dir + "/" + LogFileNames.cleanShutdownFile, create: true)
                try marker.close()
                try FileSystem.syncDirectory(dir)
            } catch {
                logger.error("log dir shutdown failed", metadata: ["path": "\(dir)", "error": "\(error)"])
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
    }
}
