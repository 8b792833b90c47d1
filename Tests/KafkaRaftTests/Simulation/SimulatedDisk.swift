import KafkaRaft

/// One member's disk in the simulation: what survives a crash is the quorum-state, the snapshots,
/// and the log up to the last completed fsync (Kafka's `MockLog` losing unflushed data).
struct SimulatedDisk {
    var quorumState: QuorumStateData?
    var snapshot: RaftSnapshot?
    var startOffset: Int64 = 0
    var records: [RaftRecord] = []
    /// How many of `records` an fsync has made durable.
    var durableCount = 0

    var endOffset: Int64 { startOffset + Int64(records.count) }

    /// Applies a storage directive; returns false for directives that are not storage.
    mutating func apply(_ directive: RaftDirective) {
        switch directive {
        case .persistQuorumState(let data):
            quorumState = data
        case .appendToLog(let baseOffset, let newRecords):
            precondition(baseOffset == endOffset, "append at \(baseOffset) but disk ends at \(endOffset)")
            records += newRecords
        case .truncateLog(let offset):
            let keep = Int(offset - startOffset)
            records.removeLast(records.count - keep)
            durableCount = min(durableCount, keep)
        case .writeSnapshot(let newSnapshot):
            snapshot = newSnapshot
        case .deleteLogPrefix(let newStart):
            let drop = Int(newStart - startOffset)
            records.removeFirst(drop)
            durableCount = max(0, durableCount - drop)
            startOffset = newStart
        case .installSnapshot(let newSnapshot):
            snapshot = newSnapshot
            records = []
            durableCount = 0
            startOffset = newSnapshot.id.offset
        case .send, .flushLog, .leaderChanged, .highWatermarkAdvanced, .halt:
            break
        }
    }

    /// The fsync completes: everything written so far is durable.
    mutating func flush() -> Int64 {
        durableCount = records.count
        return endOffset
    }

    /// A crash loses the page cache.
    mutating func crash() {
        records.removeLast(records.count - durableCount)
    }

    func loadLog() -> RaftLog {
        RaftLog(snapshot: snapshot, startOffset: startOffset, records: records)
    }
}
