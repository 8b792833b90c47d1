import KafkaModel

/// The outcome of electing a leader for one partition (Kafka's `ElectionResult`).
public struct ElectionResult: Sendable, Hashable {
    public var topicPartition: TopicPartition
    /// The new leader and ISR (leader epoch already bumped, zkVersion still the one read), or `nil` when no
    /// replica was eligible.
    public var leaderAndISR: LeaderAndISR?
    /// The brokers that must receive the resulting `LeaderAndIsr` request.
    public var liveReplicas: [BrokerID]
    /// Whether the leader was taken from outside the ISR.
    public var isUnclean: Bool

    public init(topicPartition: TopicPartition, leaderAndISR: LeaderAndISR?, liveReplicas: [BrokerID], isUnclean: Bool = false) {
        self.topicPartition = topicPartition
        self.leaderAndISR = leaderAndISR
        self.liveReplicas = liveReplicas
        self.isUnclean = isUnclean
    }
}

/// Kafka 2.8's leader election rules: the four pure algorithms of `PartitionLeaderElectionAlgorithms` and the
/// per-strategy wrappers of `Election.scala` that also compute the new ISR and the request recipients.
///
/// Every algorithm scans replicas **in assignment order** and picks the first match. "Live" means
/// ``ControllerContext/isReplicaOnline(_:_:includeShuttingDownBrokers:)``: the broker is registered, not
/// shutting down (unless stated), and the partition is not on a failed log directory.
///
/// | Strategy | Leader | New ISR | Recipients |
/// |---|---|---|---|
/// | offline | first live ISR member; else, if unclean is enabled, first live replica | live part of the old ISR; `[leader]` if unclean | live replicas |
/// | reassign | first target replica that is live and in the ISR | unchanged | all target replicas |
/// | preferred | the first replica, iff live and in the ISR | unchanged | all assigned replicas |
/// | controlled shutdown | first replica live-or-shutting-down, in the ISR and not shutting down | old ISR minus shutting-down brokers | live-or-shutting-down replicas |
///
/// Every successful election bumps the leader epoch (``LeaderAndISR/newLeaderAndISR(leader:isr:)``).
public enum PartitionLeaderElection {
    // MARK: - Algorithms (PartitionLeaderElectionAlgorithms)

    /// First replica that is live and in the ISR; if none and `uncleanLeaderElectionEnabled`, the first live
    /// replica.
    public static func offlinePartitionLeaderElection(
        assignment: [BrokerID], isr: [BrokerID], liveReplicas: Set<BrokerID>, uncleanLeaderElectionEnabled: Bool
    ) -> BrokerID? {
        if let clean = assignment.first(where: { liveReplicas.contains($0) && isr.contains($0) }) { return clean }
        guard uncleanLeaderElectionEnabled else { return nil }
        return assignment.first(where: liveReplicas.contains)
    }

    /// First target replica that is live and in the ISR.
    public static func reassignPartitionLeaderElection(
        reassignment: [BrokerID], isr: [BrokerID], liveReplicas: Set<BrokerID>
    ) -> BrokerID? {
        reassignment.first { liveReplicas.contains($0) && isr.contains($0) }
    }

    /// The first assigned replica, if it is live and in the ISR.
    public static func preferredReplicaPartitionLeaderElection(
        assignment: [BrokerID], isr: [BrokerID], liveReplicas: Set<BrokerID>
    ) -> BrokerID? {
        guard let head = assignment.first, liveReplicas.contains(head), isr.contains(head) else { return nil }
        return head
    }

    /// First replica that is live (here including shutting-down brokers), in the ISR, and not shutting down.
    public static func controlledShutdownPartitionLeaderElection(
        assignment: [BrokerID], isr: [BrokerID], liveReplicas: Set<BrokerID>, shuttingDownBrokers: Set<BrokerID>
    ) -> BrokerID? {
        assignment.first { liveReplicas.contains($0) && isr.contains($0) && !shuttingDownBrokers.contains($0) }
    }

    // MARK: - Strategies (Election.scala)

    /// Offline strategy for one partition (Kafka's `leaderForOffline`). `leaderAndISR` nil (the state could not
    /// be used, e.g. its topic config failed to load) yields no leader.
    public static func leaderForOffline(
        _ partition: TopicPartition, leaderAndISR: LeaderAndISR?, uncleanLeaderElectionEnabled: Bool,
        context: ControllerContext
    ) -> ElectionResult {
        let assignment = context.partitionReplicaAssignment(partition)
        let liveReplicas = assignment.filter { context.isReplicaOnline($0, partition) }
        guard let leaderAndISR else {
            return ElectionResult(topicPartition: partition, leaderAndISR: nil, liveReplicas: liveReplicas)
        }
        let isr = leaderAndISR.isr
        guard
            let leader = offlinePartitionLeaderElection(
                assignment: assignment, isr: isr, liveReplicas: Set(liveReplicas),
                uncleanLeaderElectionEnabled: uncleanLeaderElectionEnabled)
        else {
            return ElectionResult(topicPartition: partition, leaderAndISR: nil, liveReplicas: liveReplicas)
        }
        let isClean = isr.contains(leader)
        let newISR = isClean ? isr.filter { context.isReplicaOnline($0, partition) } : [leader]
        return ElectionResult(
            topicPartition: partition, leaderAndISR: leaderAndISR.newLeaderAndISR(leader: leader, isr: newISR),
            liveReplicas: liveReplicas, isUnclean: !isClean)
    }

    /// Reassign strategy for one partition (Kafka's `leaderForReassign`): candidates are the target replicas.
    public static func leaderForReassign(
        _ partition: TopicPartition, leaderAndISR: LeaderAndISR, context: ControllerContext
    ) -> ElectionResult {
        let targetReplicas = context.partitionFullReplicaAssignment(partition).targetReplicas
        let liveReplicas = targetReplicas.filter { context.isReplicaOnline($0, partition) }
        let leader = reassignPartitionLeaderElection(
            reassignment: targetReplicas, isr: leaderAndISR.isr, liveReplicas: Set(liveReplicas))
        return ElectionResult(
            topicPartition: partition,
            leaderAndISR: leader.map { leaderAndISR.newLeaderAndISR(leader: $0, isr: leaderAndISR.isr) },
            liveReplicas: targetReplicas)
    }

    /// Preferred strategy for one partition (Kafka's `leaderForPreferredReplica`).
    public static func leaderForPreferredReplica(
        _ partition: TopicPartition, leaderAndISR: LeaderAndISR, context: ControllerContext
    ) -> ElectionResult {
        let assignment = context.partitionReplicaAssignment(partition)
        let liveReplicas = assignment.filter { context.isReplicaOnline($0, partition) }
        let leader = preferredReplicaPartitionLeaderElection(
            assignment: assignment, isr: leaderAndISR.isr, liveReplicas: Set(liveReplicas))
        return ElectionResult(
            topicPartition: partition,
            leaderAndISR: leader.map { leaderAndISR.newLeaderAndISR(leader: $0, isr: leaderAndISR.isr) },
            liveReplicas: assignment)
    }

    /// Controlled-shutdown strategy for one partition (Kafka's `leaderForControlledShutdown`).
    public static func leaderForControlledShutdown(
        _ partition: TopicPartition, leaderAndISR: LeaderAndISR, context: ControllerContext
    ) -> ElectionResult {
        let assignment = context.partitionReplicaAssignment(partition)
        let liveOrShuttingDown = assignment.filter {
            context.isReplicaOnline($0, partition, includeShuttingDownBrokers: true)
        }
        let shuttingDown = context.shuttingDownBrokerIDs
        let leader = controlledShutdownPartitionLeaderElection(
            assignment: assignment, isr: leaderAndISR.isr, liveReplicas: Set(liveOrShuttingDown),
            shuttingDownBrokers: shuttingDown)
        let newISR = leaderAndISR.isr.filter { !shuttingDown.contains($0) }
        return ElectionResult(
            topicPartition: partition,
            leaderAndISR: leader.map { leaderAndISR.newLeaderAndISR(leader: $0, isr: newISR) },
            liveReplicas: liveOrShuttingDown)
    }
}
