import KafkaRaft

/// The storage half of a Raft shell: one metadata log directory holding `quorum-state`, the
/// `__cluster_metadata-0` segment and the snapshot checkpoints. It loads what a `RaftInstance`
/// starts from and carries out the core's storage directives with the durability the directive
/// contract promises (everything but `appendToLog` is durable on return; `flush()` makes appends
/// durable and returns the end offset to report with `onLogFlushed`).
public final class RaftDiskStorage {
    public let directory: String
    public let quorumStateStore: FileQuorumStateStore
    public let snapshots: SnapshotFileStore
    public let log: MetadataLogFile

    /// `directory` is Kafka's `metadata.log.dir`; the log lives in `__cluster_metadata-0` below it.
    public init(directory: String) throws(RaftStorageError) {
        self.directory = directory
        try DurableFile.makeDirectory(directory)
        let logDirectory = directory + "/__cluster_metadata-0"
        quorumStateStore = FileQuorumStateStore(directory: logDirectory)
        snapshots = SnapshotFileStore(directory: logDirectory)
        log = try MetadataLogFile(directory: logDirectory)
    }

    /// What the core starts from: the stored election state and the log view.
    public func load() throws(RaftStorageError) -> (quorumState: QuorumStateData?, log: RaftLog) {
        var records = try log.load()
        let snapshot = try snapshots.latest()
        // A crash between installing a snapshot and resetting the log leaves a log that ends below it.
        if let snapshot, snapshot.id.offset > log.endOffset {
            try log.reset(startOffset: snapshot.id.offset)
            records = []
        }
        return (try quorumStateStore.read(), RaftLog(snapshot: snapshot, startOffset: log.startOffset, records: records))
    }

    /// Performs a storage directive; messages and notifications are the caller's business.
    public func apply(_ directive: RaftDirective) throws(RaftStorageError) {
        switch directive {
        case .persistQuorumState(let data): try quorumStateStore.write(data)
        case .appendToLog(let baseOffset, let records): try log.append(baseOffset: baseOffset, records: records)
        case .truncateLog(let offset): try log.truncate(toEndOffset: offset)
        case .writeSnapshot(let snapshot): try snapshots.write(snapshot)
        case .deleteLogPrefix(let newStartOffset): try log.deletePrefix(newStartOffset: newStartOffset)
        case .installSnapshot(let snapshot):
            try snapshots.write(snapshot)
            try log.reset(startOffset: snapshot.id.offset)
        case .flushLog, .send, .leaderChanged, .highWatermarkAdvanced, .halt: break
        }
    }

    /// The fsync behind a `flushLog` directive.
    public func flush() throws(RaftStorageError) -> Int64 {
        try log.flush()
        return log.endOffset
    }
}
