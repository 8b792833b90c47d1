import KafkaRaft

/// What the state machine on top of a quorum member hears (Kafka 3.3's `RaftClient.Listener`):
/// committed records in offset order (`handleCommit`), a snapshot to reload from
/// (`handleSnapshot`), and leader changes (`handleLeaderChange`). Every callback runs on the node's
/// serial queue, in log order, so it must hand work off quickly.
public struct RaftCommitListener: Sendable {
    /// One delivery of committed records. `records` holds the state-machine (data) records with
    /// their offsets; `lastOffset` is the last committed offset covered, control records included
    /// (what a broker reports as its metadata offset).
    public struct Batch: Sendable, Equatable {
        public var records: [(offset: Int64, bytes: [UInt8])]
        public var lastOffset: Int64

        public init(records: [(offset: Int64, bytes: [UInt8])], lastOffset: Int64) {
            self.records = records
            self.lastOffset = lastOffset
        }

        public static func == (lhs: Batch, rhs: Batch) -> Bool {
            lhs.lastOffset == rhs.lastOffset && lhs.records.map(\.offset) == rhs.records.map(\.offset)
                && lhs.records.map(\.bytes) == rhs.records.map(\.bytes)
        }
    }

    public var handleCommit: @Sendable (Batch) -> Void
    /// The state machine must discard what it holds and load this snapshot (covering offsets
    /// below `snapshot.id.offset`); committed records after it follow through `handleCommit`.
    public var handleSnapshot: @Sendable (RaftSnapshot) -> Void
    public var handleLeaderChange: @Sendable (_ leaderId: Int32?, _ epoch: Int32) -> Void

    public init(
        handleCommit: @escaping @Sendable (Batch) -> Void,
        handleSnapshot: @escaping @Sendable (RaftSnapshot) -> Void = { _ in },
        handleLeaderChange: @escaping @Sendable (Int32?, Int32) -> Void = { _, _ in }
    ) {
        self.handleCommit = handleCommit
        self.handleSnapshot = handleSnapshot
        self.handleLeaderChange = handleLeaderChange
    }
}

/// Which committed records a listener has not seen yet, given the member's log and high watermark
/// (Kafka's `KafkaRaftClient.pollListeners`: a listener behind the log start gets the latest
/// snapshot first, then the records from there up to the high watermark). Pure.
public struct RaftCommitCursor: Sendable, Equatable {
    /// The next offset to deliver.
    public private(set) var nextOffset: Int64 = 0

    public init() {}

    public enum Delivery: Sendable, Equatable {
        case snapshot(RaftSnapshot)
        case commit(RaftCommitListener.Batch)
    }

    /// What to deliver now, and the cursor moved past it. At most `maxRecords` records per batch.
    public mutating func advance(log: RaftLog, highWatermark: Int64, maxRecords: Int = 4_096) -> [Delivery] {
        var deliveries: [Delivery] = []
        if nextOffset < log.startOffset {
            guard let snapshot = log.latestSnapshot, snapshot.id.offset == log.startOffset else { return [] }
            deliveries.append(.snapshot(snapshot))
            nextOffset = snapshot.id.offset
        }
        while nextOffset < highWatermark {
            let slice = log.records(from: nextOffset, maxCount: min(maxRecords, Int(highWatermark - nextOffset)))
            guard !slice.isEmpty else { break }
            var batch = RaftCommitListener.Batch(records: [], lastOffset: nextOffset + Int64(slice.count) - 1)
            for (index, record) in slice.enumerated() {
                if case .data(let bytes) = record.payload { batch.records.append((nextOffset + Int64(index), bytes)) }
            }
            nextOffset += Int64(slice.count)
            deliveries.append(.commit(batch))
        }
        return deliveries
    }
}
