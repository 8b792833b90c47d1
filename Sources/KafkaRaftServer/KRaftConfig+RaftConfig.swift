import KafkaConfig
import KafkaRaft

extension KRaftConfig {
    /// The core's timers from the `controller.quorum.*` keys (Kafka 3.3's `RaftConfig`).
    public var raftConfig: RaftConfig {
        var raft = RaftConfig()
        raft.electionTimeoutMs = electionTimeoutMs
        raft.fetchTimeoutMs = fetchTimeoutMs
        raft.electionBackoffMaxMs = electionBackoffMaxMs
        raft.requestTimeoutMs = requestTimeoutMs
        raft.retryBackoffMs = retryBackoffMs
        // Kafka bounds a Fetch response by bytes (8 MiB, about 100,000 metadata records); the core's 64
        // records suit the simulation but make a 10,000-partition topic take 157 round trips to commit.
        raft.maxRecordsPerFetch = 1_024
        return raft
    }
}
