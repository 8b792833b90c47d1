import KafkaModel

/// Each partition's chain of leader-and-ISR writes that the state machine steps of one event will make, computed
/// from the context in one pass before they run (issue 14), for ``EventScopedPartitionStateStore/writeAhead(_:controllerEpoch:expectedControllerEpochZKVersion:)``.
///
/// Kafka 2.8 writes some partitions twice in one event: on failover the replica state machine removes each dead
/// replica from its ISRs (a dead leader becomes leader -1, Kafka's `doRemoveReplicasFromIsr`), then the partition
/// state machine elects a leader for the partitions that left leaderless (`doElectLeaderForPartitions`). The plan
/// applies the same rules to the context's states in the same order — ``LeaderAndISR/removingReplica(_:)`` for
/// the ISR shrink, ``PartitionLeaderElection/leaderForOffline(_:leaderAndISR:uncleanLeaderElectionEnabled:context:)``
/// for the election — so that each partition is written once, with its final state. It only predicts: the state
/// machines still decide, and a write they make that the plan did not predict goes to ZooKeeper as it is.
///
/// What it leaves out is left to the state machines' own reads and writes: partitions whose state a newer
/// controller wrote, elections that depend on a topic's `unclean.leader.election.enable` (no live ISR member),
/// and new partitions (created, not elected).
public struct SinglePassPlan {
    /// One partition's loaded state and the states the state machines will write, in order.
    public struct Chain: Sendable, Hashable {
        public var loaded: LeaderAndISR
        public var steps: [LeaderAndISR]

        public init(loaded: LeaderAndISR, steps: [LeaderAndISR]) {
            self.loaded = loaded
            self.steps = steps
        }
    }

    public private(set) var chains: [TopicPartition: Chain] = [:]
    /// States as the planned steps leave them (the context's for partitions without a step yet).
    private var current: [TopicPartition: LeaderISRAndControllerEpoch] = [:]
    private let context: ControllerContext

    private init(context: ControllerContext) {
        self.context = context
    }

    /// Kafka's `onControllerFailover` state machine startups: the replica state machine moves every offline
    /// replica to OfflineReplica (ISR shrink, broker by broker in id order), then the partition state machine
    /// elects a leader for every partition whose leader is not online, except topics queued for deletion.
    public static func controllerFailover(context: ControllerContext) -> SinglePassPlan {
        var plan = SinglePassPlan(context: context)
        // Every offline replica's state is valid for OfflineReplica once the startup has initialised it.
        plan.removeFromISRs(context.onlineAndOfflineReplicas().offline, checkReplicaStates: false)
        plan.electOfflineLeaders(plan.partitionsWithOfflineLeader())
        return plan
    }

    /// The replica pass of Kafka's `onReplicasBecomeOffline` alone (replicas, except those of topics queued for
    /// deletion → OfflineReplica), planned after the election pass has run and its requests went out: the
    /// broker-failure flow sends each pass's requests when it ends, so only writes of the same pass are
    /// combined (a partition that lost several replicas at once is written once).
    public static func offlineReplicas(_ replicas: [PartitionReplica], context: ControllerContext) -> SinglePassPlan {
        var plan = SinglePassPlan(context: context)
        plan.removeFromISRs(
            replicas.filter { !context.isTopicQueuedUpForDeletion($0.topicPartition.topic) }, checkReplicaStates: true)
        return plan
    }

    /// The number of partitions the plan writes.
    public var count: Int { chains.count }

    // MARK: - Steps

    private func state(_ partition: TopicPartition) -> LeaderISRAndControllerEpoch? {
        current[partition] ?? context.partitionLeadershipInfo[partition]
    }

    private mutating func record(_ partition: TopicPartition, from state: LeaderISRAndControllerEpoch, to new: LeaderAndISR) {
        let loaded = chains[partition]?.loaded ?? state.leaderAndISR
        chains[partition, default: Chain(loaded: loaded, steps: [])].steps.append(new)
        current[partition] = LeaderISRAndControllerEpoch(leaderAndISR: new, controllerEpoch: context.epoch)
    }

    /// The replica state machine's OfflineReplica step, broker by broker in id order as its `handleStateChanges`
    /// goes. Partitions whose replica is not in the (cached) ISR, or that a newer controller wrote, get no write.
    private mutating func removeFromISRs(_ replicas: [PartitionReplica], checkReplicaStates: Bool) {
        let byBroker = Dictionary(grouping: replicas, by: \.replica)
        for broker in byBroker.keys.sorted() {
            for replica in byBroker[broker]! {
                if checkReplicaStates && !ReplicaState.offline.isValidTransition(from: context.replicaState(replica)) { continue }
                let partition = replica.topicPartition
                guard let stored = state(partition), stored.controllerEpoch <= context.epoch,
                    stored.leaderAndISR.isr.contains(broker)
                else { continue }
                record(partition, from: stored, to: stored.leaderAndISR.removingReplica(broker))
            }
        }
    }

    /// Partitions with leadership whose leader is not online, except topics queued for deletion: the ones the
    /// partition state machine will find Offline.
    private func partitionsWithOfflineLeader() -> [TopicPartition] {
        var result: [TopicPartition] = []
        for partition in context.partitionLeadershipInfo.keys where !context.isTopicQueuedUpForDeletion(partition.topic) {
            if let stored = state(partition), !context.isReplicaOnline(stored.leaderAndISR.leader, partition) {
                result.append(partition)
            }
        }
        return result
    }

    /// The partition state machine's clean offline election (a live ISR member exists).
    private mutating func electOfflineLeaders(_ partitions: [TopicPartition]) {
        for partition in partitions {
            guard let stored = state(partition), stored.controllerEpoch <= context.epoch,
                stored.leaderAndISR.isr.contains(where: { context.isReplicaOnline($0, partition) })
            else { continue }
            let election = PartitionLeaderElection.leaderForOffline(
                partition, leaderAndISR: stored.leaderAndISR, uncleanLeaderElectionEnabled: false, context: context)
            guard let elected = election.leaderAndISR else { continue }
            record(partition, from: stored, to: elected)
        }
    }
}

extension LeaderAndISR {
    /// The state after the controller removes `replica` from the ISR (Kafka's `doRemoveReplicasFromIsr`): no leader
    /// if it led, the ISR without it — unless it is the last member, which is kept because it marks who has the
    /// latest data — and the leader epoch + 1.
    public func removingReplica(_ replica: BrokerID) -> LeaderAndISR {
        let newLeader = leader == replica ? LeaderAndISR.noLeader : leader
        let newISR = isr.count == 1 ? isr : isr.filter { $0 != replica }
        return newLeaderAndISR(leader: newLeader, isr: newISR)
    }
}
