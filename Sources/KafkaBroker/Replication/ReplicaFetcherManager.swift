import KafkaConfig
import KafkaModel
import Logging
import Synchronization

/// Kafka 2.8 `ReplicaFetcherManager`: the follower side of replication. Partitions are assigned to
/// fetchers by (leader broker, `abs(31 * topic.hashCode + partition) % num.replica.fetchers`), one
/// fetcher task per key; fetchers left without partitions are shut down.
public final class ReplicaFetcherManager: Sendable {
    /// Where a leader is reached (the inter-broker listener's endpoint from LeaderAndIsr's live leaders).
    public struct Endpoint: Sendable, Hashable {
        public var host: String
        public var port: Int
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    /// One partition to fetch: from whom, from which offset, under which leader epoch.
    public struct Assignment: Sendable, Hashable {
        public var leader: BrokerID
        public var endpoint: Endpoint
        public var fetchOffset: Int64
        public var leaderEpoch: Int32
        /// The latest epoch in the follower's log; nil: it has none and truncates to `fetchOffset`
        /// (its high watermark) before fetching.
        public var lastFetchedEpoch: Int32?
    }

    struct FetcherKey: Hashable, Sendable {
        var leader: BrokerID
        var fetcherID: Int
    }

    let brokerID: BrokerID
    let config: BrokerConfig
    let logger: Logger
    private let owner = Mutex<WeakReplicaManager>(WeakReplicaManager())
    private let fetchers = Mutex<[FetcherKey: ReplicaFetcher]>([:])

    init(brokerID: BrokerID, config: BrokerConfig, logger: Logger) {
        self.brokerID = brokerID
        self.config = config
        self.logger = logger
    }

    var replicaManager: ReplicaManager? {
        get { owner.withLock { $0.value } }
        set { owner.withLock { $0 = WeakReplicaManager(value: newValue) } }
    }

    /// The partitions each fetcher is fetching, for tests and tools.
    public var fetchingPartitions: [BrokerID: Set<TopicPartition>] {
        fetchers.withLock { fetchers in
            var result: [BrokerID: Set<TopicPartition>] = [:]
            for (key, fetcher) in fetchers { result[key.leader, default: []].formUnion(fetcher.partitions) }
            return result
        }
    }

    /// Kafka's `addFetcherForPartitions`: (re)assigns each partition to the fetcher for its leader.
    /// Each partition's fetch state moves to the fetcher for its leader; a partition listed twice ends with
    /// its last assignment.
    func addFetchers(_ assignments: [(TopicPartition, Assignment)]) {
        guard !assignments.isEmpty else { return }
        removeFetchers(for: Set(assignments.map(\.0)), shutdownIdle: false)
        let toStart: [ReplicaFetcher] = fetchers.withLock { fetchers in
            var started: [ReplicaFetcher] = []
            for (topicPartition, assignment) in assignments {
                let key = FetcherKey(leader: assignment.leader, fetcherID: fetcherID(topicPartition))
                var fetcher = fetchers[key]
                if let existing = fetcher, existing.endpoint != assignment.endpoint {
                    existing.shutdown()
                    fetcher = nil
                }
                if fetcher == nil {
                    let created = ReplicaFetcher(
                        brokerID: brokerID, leader: assignment.leader, fetcherID: key.fetcherID,
                        endpoint: assignment.endpoint, config: config, manager: self, logger: logger)
                    fetchers[key] = created
                    started.append(created)
                    fetcher = created
                }
                fetcher?.add(
                    topicPartition, offset: assignment.fetchOffset, leaderEpoch: assignment.leaderEpoch,
                    lastFetchedEpoch: assignment.lastFetchedEpoch)
            }
            return started
        }
        for fetcher in toStart {
            logger.info("Starting replica fetcher \(fetcher.name) for leader \(fetcher.leader) at \(fetcher.endpoint.host):\(fetcher.endpoint.port)")
            fetcher.start()
        }
    }

    /// Kafka's `removeFetcherForPartitions`, then `shutdownIdleFetcherThreads`.
    func removeFetchers(for partitions: Set<TopicPartition>, shutdownIdle: Bool = true) {
        guard !partitions.isEmpty else { return }
        fetchers.withLock { fetchers in
            for (key, fetcher) in fetchers {
                fetcher.remove(partitions)
                if shutdownIdle && fetcher.isIdle {
                    fetcher.shutdown()
                    fetchers[key] = nil
                }
            }
        }
    }

    func shutdown() async {
        let all = fetchers.withLock { fetchers in
            defer { fetchers = [:] }
            return Array(fetchers.values)
        }
        for fetcher in all {
            fetcher.shutdown()
            await fetcher.awaitTermination()
        }
    }

    /// Kafka's `AbstractFetcherManager.getFetcherId`: `Utils.abs(31 * topic.hashCode + partition) % numFetchers`
    /// with Java's `String.hashCode`.
    private func fetcherID(_ topicPartition: TopicPartition) -> Int {
        var hash: Int32 = 0
        for unit in topicPartition.topic.utf16 { hash = hash &* 31 &+ Int32(unit) }
        let combined = 31 &* hash &+ topicPartition.partition
        // Kafka's Utils.abs maps Int.MinValue to 0 (`n & 0x7fffffff`).
        return Int(combined & 0x7fff_ffff) % config.numReplicaFetchers
    }
}

/// Breaks the replica manager ↔ fetcher manager cycle.
struct WeakReplicaManager: @unchecked Sendable {
    // Only read and written under the owning Mutex.
    weak var value: ReplicaManager?
}
