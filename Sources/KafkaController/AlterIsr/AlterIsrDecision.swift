import KafkaModel

/// What the controller decides for an `AlterIsr` request before it writes anything (the checks at the top of
/// Kafka 2.8's `KafkaController.processAlterIsr`), as a pure function of the ``ControllerContext``.
///
/// Kafka 2.8 checks, in this order:
/// 1. the controller is active (else NOT_CONTROLLER, the shell's check);
/// 2. the sender is a live broker whose registration has this broker epoch (else STALE_BROKER_EPOCH for the
///    whole request — also for an unknown broker);
/// 3. per partition: the controller knows its leadership (else UNKNOWN_TOPIC_OR_PARTITION); the leader epoch
///    asked for is not older than the controller's (else FENCED_LEADER_EPOCH); a request for exactly the
///    state the controller holds (leader, leader epoch, ISR; zkVersion aside) is answered with that state
///    and not written; everything else is written with compare-and-set on the zkVersion the leader sent,
///    which ZooKeeper refuses as INVALID_UPDATE_VERSION when it is stale.
///
/// Kafka 2.8 checks neither that the sender leads the partition nor which replicas the new ISR holds (Kafka
/// 3.x added both with KIP-841); the compare-and-set on the zkVersion is what fences a stale leader, since
/// every leader change writes the znode. This reproduces 2.8 and adds nothing.
public struct AlterIsrDecision: Sendable, Equatable {
    /// Partitions answered without a write: the error, or the state the controller already holds.
    public var answers: [TopicPartition: Result<LeaderAndISR, ControllerError>] = [:]
    /// Partitions to write: the new leader and ISR, carrying the zkVersion the leader sent (the CAS token).
    public var writes: [TopicPartition: LeaderAndISR] = [:]

    public init(answers: [TopicPartition: Result<LeaderAndISR, ControllerError>] = [:], writes: [TopicPartition: LeaderAndISR] = [:]) {
        self.answers = answers
        self.writes = writes
    }

    /// Decides `changes` (per partition, Kafka's `LeaderAndIsr(brokerId, leaderEpoch, newIsr, currentIsrVersion)`)
    /// sent by `brokerID` at `brokerEpoch`. A failure is the request's top-level error.
    public static func decide(
        brokerID: BrokerID, brokerEpoch: Int64, changes: [TopicPartition: LeaderAndISR], context: ControllerContext
    ) -> Result<AlterIsrDecision, ControllerError> {
        guard let registered = context.brokerEpoch(of: brokerID) else {
            return .failure(ControllerError(.staleBrokerEpoch, "Ignoring AlterIsr due to unknown broker \(brokerID)"))
        }
        guard registered == brokerEpoch else {
            return .failure(
                ControllerError(.staleBrokerEpoch, "Ignoring AlterIsr due to stale broker epoch \(brokerEpoch) for broker \(brokerID)"))
        }
        var decision = AlterIsrDecision()
        for (partition, requested) in changes {
            guard let current = context.partitionLeadershipInfo[partition]?.leaderAndISR else {
                decision.answers[partition] = .failure(
                    ControllerError(.unknownTopicOrPartition, "The controller has no leadership of \(partition)"))
                continue
            }
            if requested.leaderEpoch < current.leaderEpoch {
                decision.answers[partition] = .failure(
                    ControllerError(
                        .fencedLeaderEpoch,
                        "Leader epoch \(requested.leaderEpoch) of \(partition) is older than the controller's \(current.leaderEpoch)"))
            } else if requested.equalsIgnoringZKVersion(current) {
                decision.answers[partition] = .success(current)
            } else {
                decision.writes[partition] = requested
            }
        }
        return .success(decision)
    }
}

/// What `AlterIsr` did: per partition, the state now in ZooKeeper (and the controller context) or why not.
public struct AlterIsrOutcome: Sendable, Equatable {
    public var results: [TopicPartition: Result<LeaderAndISR, ControllerError>]
    /// Partitions whose new ISR was written (a reassignment waiting for it may now complete).
    public var written: Set<TopicPartition>

    public init(results: [TopicPartition: Result<LeaderAndISR, ControllerError>], written: Set<TopicPartition>) {
        self.results = results
        self.written = written
    }
}
