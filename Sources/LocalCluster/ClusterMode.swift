/// Where a local cluster keeps its metadata: `cluster.json`'s `"mode"`.
public enum ClusterMode: String, Codable, Sendable, CaseIterable {
    /// Kafka 2.8's ZooKeeper mode: a ZooKeeper ensemble and brokers, one of which is the controller.
    case zookeeper = "zk"
    /// Kafka 3.3's KRaft mode: a Raft quorum of controller processes and brokers that follow its metadata log.
    case kraft

    /// Accepts `zk`, `zookeeper` and `kraft` (any case), as `--mode` takes them.
    public init?(parsing text: String) {
        switch text.lowercased() {
        case "zk", "zookeeper": self = .zookeeper
        case "kraft": self = .kraft
        default: return nil
        }
    }
}
