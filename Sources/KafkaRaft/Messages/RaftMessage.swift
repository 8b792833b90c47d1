/// The KIP-595 / KIP-630 RPCs between quorum members, reduced to the fields the core uses (one
/// partition, `__cluster_metadata-0`). Field names follow Kafka 3.3.2's JSON specs; the codec
/// layer maps these onto the wire messages.
public enum RaftMessage: Sendable, Equatable {
    case voteRequest(VoteRequest)
    case voteResponse(VoteResponse)
    case beginQuorumEpochRequest(BeginQuorumEpochRequest)
    case beginQuorumEpochResponse(EpochResponse)
    case endQuorumEpochRequest(EndQuorumEpochRequest)
    case endQuorumEpochResponse(EpochResponse)
    case fetchRequest(FetchRequest)
    case fetchResponse(FetchResponse)
    case fetchSnapshotRequest(FetchSnapshotRequest)
    case fetchSnapshotResponse(FetchSnapshotResponse)

    /// VoteRequest v0: a candidate asks for a vote, showing how up to date its log is.
    public struct VoteRequest: Sendable, Equatable {
        public var candidateEpoch: Int32
        public var candidateId: Int32
        public var lastOffsetEpoch: Int32
        public var lastOffset: Int64
        public init(candidateEpoch: Int32, candidateId: Int32, lastOffsetEpoch: Int32, lastOffset: Int64) {
            self.candidateEpoch = candidateEpoch
            self.candidateId = candidateId
            self.lastOffsetEpoch = lastOffsetEpoch
            self.lastOffset = lastOffset
        }
    }

    public struct VoteResponse: Sendable, Equatable {
        public var errorCode: RaftErrorCode
        public var leaderId: Int32?
        public var leaderEpoch: Int32
        public var voteGranted: Bool
        public init(errorCode: RaftErrorCode, leaderId: Int32?, leaderEpoch: Int32, voteGranted: Bool) {
            self.errorCode = errorCode
            self.leaderId = leaderId
            self.leaderEpoch = leaderEpoch
            self.voteGranted = voteGranted
        }
    }

    /// BeginQuorumEpochRequest v0: the new leader announces itself (replication is pull-based).
    public struct BeginQuorumEpochRequest: Sendable, Equatable {
        public var leaderId: Int32
        public var leaderEpoch: Int32
        public init(leaderId: Int32, leaderEpoch: Int32) {
            self.leaderId = leaderId
            self.leaderEpoch = leaderEpoch
        }
    }

    /// EndQuorumEpochRequest v0: a resigning leader names its preferred successors, most up to
    /// date first.
    public struct EndQuorumEpochRequest: Sendable, Equatable {
        public var leaderId: Int32
        public var leaderEpoch: Int32
        public var preferredSuccessors: [Int32]
        public init(leaderId: Int32, leaderEpoch: Int32, preferredSuccessors: [Int32]) {
            self.leaderId = leaderId
            self.leaderEpoch = leaderEpoch
            self.preferredSuccessors = preferredSuccessors
        }
    }

    /// The partition-level body of BeginQuorumEpochResponse and EndQuorumEpochResponse.
    public struct EpochResponse: Sendable, Equatable {
        public var errorCode: RaftErrorCode
        public var leaderId: Int32?
        public var leaderEpoch: Int32
        public init(errorCode: RaftErrorCode, leaderId: Int32?, leaderEpoch: Int32) {
            self.errorCode = errorCode
            self.leaderId = leaderId
            self.leaderEpoch = leaderEpoch
        }
    }

    /// FetchRequest v13 as a voter sends it: `ReplicaId`, `CurrentLeaderEpoch`, `FetchOffset`,
    /// `LastFetchedEpoch`, `MaxWaitMs`.
    public struct FetchRequest: Sendable, Equatable {
        public var replicaId: Int32
        public var currentLeaderEpoch: Int32
        public var fetchOffset: Int64
        public var lastFetchedEpoch: Int32
        public var maxWaitMs: Int64
        public init(replicaId: Int32, currentLeaderEpoch: Int32, fetchOffset: Int64, lastFetchedEpoch: Int32, maxWaitMs: Int64) {
            self.replicaId = replicaId
            self.currentLeaderEpoch = currentLeaderEpoch
            self.fetchOffset = fetchOffset
            self.lastFetchedEpoch = lastFetchedEpoch
            self.maxWaitMs = maxWaitMs
        }
    }

    /// FetchResponse v13 for one partition: records from `recordsBaseOffset`, or a
    /// `divergingEpoch`, or a `snapshotId`, with the leader's `highWatermark` (-1 when unknown).
    public struct FetchResponse: Sendable, Equatable {
        public var errorCode: RaftErrorCode
        public var leaderId: Int32?
        public var leaderEpoch: Int32
        public var highWatermark: Int64
        public var logStartOffset: Int64
        public var recordsBaseOffset: Int64
        public var records: [RaftRecord]
        public var divergingEpoch: OffsetAndEpoch?
        public var snapshotId: OffsetAndEpoch?
        public init(
            errorCode: RaftErrorCode, leaderId: Int32?, leaderEpoch: Int32, highWatermark: Int64 = -1,
            logStartOffset: Int64 = -1, recordsBaseOffset: Int64 = -1, records: [RaftRecord] = [],
            divergingEpoch: OffsetAndEpoch? = nil, snapshotId: OffsetAndEpoch? = nil
        ) {
            self.errorCode = errorCode
            self.leaderId = leaderId
            self.leaderEpoch = leaderEpoch
            self.highWatermark = highWatermark
            self.logStartOffset = logStartOffset
            self.recordsBaseOffset = recordsBaseOffset
            self.records = records
            self.divergingEpoch = divergingEpoch
            self.snapshotId = snapshotId
        }
    }

    /// FetchSnapshotRequest v0: download `snapshotId` from `position`, at most `maxBytes` of it.
    public struct FetchSnapshotRequest: Sendable, Equatable {
        public var replicaId: Int32
        public var currentLeaderEpoch: Int32
        public var snapshotId: OffsetAndEpoch
        public var position: Int64
        public var maxBytes: Int32
        public init(
            replicaId: Int32, currentLeaderEpoch: Int32, snapshotId: OffsetAndEpoch, position: Int64,
            maxBytes: Int32 = 8 * 1024 * 1024
        ) {
            self.replicaId = replicaId
            self.currentLeaderEpoch = currentLeaderEpoch
            self.snapshotId = snapshotId
            self.position = position
            self.maxBytes = maxBytes
        }
    }

    /// FetchSnapshotResponse v0: `size` is the whole snapshot, `unalignedRecords` the chunk at
    /// `position`.
    public struct FetchSnapshotResponse: Sendable, Equatable {
        public var errorCode: RaftErrorCode
        public var leaderId: Int32?
        public var leaderEpoch: Int32
        public var snapshotId: OffsetAndEpoch
        public var size: Int64
        public var position: Int64
        public var unalignedRecords: [UInt8]
        public init(
            errorCode: RaftErrorCode, leaderId: Int32?, leaderEpoch: Int32, snapshotId: OffsetAndEpoch,
            size: Int64 = -1, position: Int64 = -1, unalignedRecords: [UInt8] = []
        ) {
            self.errorCode = errorCode
            self.leaderId = leaderId
            self.leaderEpoch = leaderEpoch
            self.snapshotId = snapshotId
            self.size = size
            self.position = position
            self.unalignedRecords = unalignedRecords
        }
    }
}
