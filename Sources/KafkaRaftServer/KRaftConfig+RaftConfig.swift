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
        return raft
    }
}
