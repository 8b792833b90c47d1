/// The `controller.quorum.*` settings of Kafka 3.3's `QuorumConfig` (KIP-595), in milliseconds.
public struct RaftConfig: Sendable, Equatable {
    /// `controller.quorum.election.timeout.ms`: the actual timeout is drawn from [T, 2T).
    public var electionTimeoutMs: Int64 = 1000
    /// `controller.quorum.fetch.timeout.ms`: a follower that has not heard from its leader this
    /// long becomes a candidate.
    public var fetchTimeoutMs: Int64 = 2000
    /// `controller.quorum.election.backoff.max.ms`: cap of the binary exponential backoff after a
    /// failed election.
    public var electionBackoffMaxMs: Int64 = 1000
    /// `controller.quorum.request.timeout.ms`: an unanswered request is re-sent after this long.
    public var requestTimeoutMs: Int64 = 2000
    /// `controller.quorum.retry.backoff.ms`: pause before retrying a Fetch that failed.
    public var retryBackoffMs: Int64 = 20
    /// `KafkaRaftClient.MAX_FETCH_WAIT_MS`: how long the leader parks a Fetch that has nothing new.
    public var maxFetchWaitMs: Int64 = 500
    /// Records per Fetch response (Kafka bounds by bytes, 8 MiB; we bound by count).
    public var maxRecordsPerFetch: Int = 64
    /// FetchSnapshot's `MaxBytes`: the largest snapshot chunk a follower asks for
    /// (`KafkaRaftClient.MAX_FETCH_SIZE_BYTES`, 8 MiB).
    public var maxSnapshotChunkBytes: Int = 8 * 1024 * 1024
    /// Check-quorum (KAFKA-15489): the leader resigns when a majority has not fetched for
    /// `fetchTimeoutMs * 1.5`.
    public var checkQuorumTimeoutMs: Int64 { fetchTimeoutMs * 3 / 2 }
    /// `KafkaRaftClient.RETRY_BACKOFF_BASE_MS`: the unit of the election backoff.
    public static let retryBackoffBaseMs: Int64 = 100

    public init() {}
}
