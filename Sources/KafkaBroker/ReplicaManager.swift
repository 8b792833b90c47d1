import KafkaModel
import Synchronization

/// The broker's view of the partitions it hosts: for each, its role (leader or follower), leader
/// epoch, ISR and replicas, as the control plane last told it (Kafka's `ReplicaManager` partition
/// map without the logs, which the data plane adds). It does not care whether LeaderAndIsr requests
/// or a KRaft metadata log drive it.
public final class ReplicaManager: Sendable {
    public struct HostedPartition: Sendable, Hashable {
        public var topicPartition: TopicPartition
        public var leader: BrokerID
        public var leaderEpoch: Int32
        public var isr: [BrokerID]
        public var replicas: [BrokerID]
        public var zkVersion: Int32
        public var isLeader: Bool
    }

    /// A partition state change the control plane asks for (one entry of a LeaderAndIsr request).
    public struct BecomeLeaderOrFollower: Sendable, Hashable {
        public var topicPartition: TopicPartition
        public var leader: BrokerID
        public var leaderEpoch: Int32
        public var isr: [BrokerID]
        public var replicas: [BrokerID]
        public var zkVersion: Int32

        public init(topicPartition: TopicPartition, leader: BrokerID, leaderEpoch: Int32, isr: [BrokerID], replicas: [BrokerID], zkVersion: Int32) {
            self.topicPartition = topicPartition
            self.leader = leader
            self.leaderEpoch = leaderEpoch
            self.isr = isr
            self.replicas = replicas
            self.zkVersion = zkVersion
        }
    }

    /// Why one partition of a request was not applied.
    public enum Refusal: Sendable, Hashable {
        /// The request's leader epoch is not newer than the one the broker has (Kafka answers
        /// STALE_CONTROLLER_EPOCH for that partition).
        case staleLeaderEpoch(request: Int32, current: Int32)
        /// The broker is not a replica of the partition (UNKNOWN_TOPIC_OR_PARTITION).
        case notAReplica
    }

    public let brokerID: BrokerID
    private let partitions = Mutex<[TopicPartition: HostedPartition]>([:])

    public init(brokerID: BrokerID) { self.brokerID = brokerID }

    /// Kafka 2.8 `ReplicaManager.becomeLeaderOrFollower`: applies each partition whose leader epoch
    /// is newer than the one held, and returns the refused ones.
    public func becomeLeaderOrFollower(_ states: [BecomeLeaderOrFollower]) -> [TopicPartition: Refusal] {
        partitions.withLock { hosted in
            var refused: [TopicPartition: Refusal] = [:]
            for state in states {
                // A partition never seen has epoch -1 (LeaderAndIsr.initialLeaderEpoch - 1).
                let current = hosted[state.topicPartition]?.leaderEpoch ?? -1
                guard state.leaderEpoch > current else {
                    refused[state.topicPartition] = .staleLeaderEpoch(request: state.leaderEpoch, current: current)
                    continue
                }
                guard state.replicas.contains(brokerID) else {
                    refused[state.topicPartition] = .notAReplica
                    continue
                }
                hosted[state.topicPartition] = HostedPartition(
                    topicPartition: state.topicPartition, leader: state.leader, leaderEpoch: state.leaderEpoch,
                    isr: state.isr, replicas: state.replicas, zkVersion: state.zkVersion, isLeader: state.leader == brokerID)
            }
            return refused
        }
    }

    /// Kafka 2.8 `ReplicaManager.stopReplicas`: stops hosting partitions whose request epoch is newer
    /// than the held one, or is -1 (no epoch) or -2 (topic being deleted). Returns the refused ones.
    public func stopReplicas(_ requests: [(TopicPartition, leaderEpoch: Int32)]) -> [TopicPartition: Refusal] {
        partitions.withLock { hosted in
            var refused: [TopicPartition: Refusal] = [:]
            for (partition, epoch) in requests {
                if let current = hosted[partition]?.leaderEpoch, epoch >= 0, epoch <= current {
                    refused[partition] = .staleLeaderEpoch(request: epoch, current: current)
                    continue
                }
                hosted[partition] = nil
            }
            return refused
        }
    }

    public func partition(_ topicPartition: TopicPartition) -> HostedPartition? {
        partitions.withLock { $0[topicPartition] }
    }

    public var hostedPartitions: [HostedPartition] {
        partitions.withLock { Array($0.values) }.sorted { $0.topicPartition < $1.topicPartition }
    }
}
