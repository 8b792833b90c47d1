import KafkaBroker
import KafkaModel
import KafkaProtocol
import KafkaQuorumController
import KafkaRaftProtocol

/// Kafka 3.3's `AlterPartitionManager` bookkeeping as a value: the ISR changes partition leaders submit, sent
/// to the active controller as **one AlterPartition request holding every pending change, with at most one
/// request in flight**; changes submitted meanwhile go in the next request. A partition has at most one
/// pending change (a second submit is answered OPERATION_NOT_ATTEMPTED at once, as Kafka's `submit` does).
/// A change leaves the queue only when the controller answers for its partition: a lost connection, a
/// timeout, NOT_CONTROLLER or an error Kafka retries (STALE_BROKER_EPOCH, ...) keeps it for the next request.
///
/// Without this, a restarted broker's followers catching up at N=1,000 made their leaders send 1,000
/// one-partition requests at once; the later ones outlived the request timeout, the timeout closed the shared
/// connection and failed all the others, and their retries met INVALID_UPDATE_VERSION (the first attempt had
/// been applied), so the ISRs refilled slowly or not at all.
///
/// `Token` identifies the submitter (the shell's continuation). Pure: no clock, no sockets.
public struct AlterPartitionQueue<Token: Hashable & Sendable>: Sendable {
    public struct Item: Sendable, Equatable {
        public var update: Partition.IsrUpdate
        public var token: Token
    }

    /// What a submitter learns.
    public enum Outcome: Sendable, Equatable {
        /// The controller applied the ISR; its new partition epoch (the zkVersion from now on).
        case accepted(partitionEpoch: Int32)
        /// Not applied; the leader keeps its committed ISR and waits for the metadata log.
        case refused(KafkaErrorCode)
    }

    public init() {}

    public private(set) var pending: [TopicPartition: Item] = [:]
    public private(set) var requestInFlight = false
    /// Partitions the controller answered INVALID_UPDATE_VERSION or FENCED_LEADER_EPOCH for, with the
    /// partition epoch that was refused. Kafka keeps such a partition's change pending until the metadata
    /// log brings a newer state (`makeLeader`); here a submit at that epoch or older is refused at once, so a
    /// leader whose follower fetches keep asking does not resend a change the controller already refused.
    public private(set) var refusedEpochs: [TopicPartition: Int32] = [:]

    /// Queues `update`, or answers at once: OPERATION_NOT_ATTEMPTED while the partition already has a change
    /// pending, INVALID_UPDATE_VERSION when its partition epoch was refused before.
    public mutating func submit(_ update: Partition.IsrUpdate, token: Token) -> Outcome? {
        let tp = update.topicPartition
        if let refused = refusedEpochs[tp] {
            if update.zkVersion <= refused { return .refused(.invalidUpdateVersion) }
            refusedEpochs[tp] = nil
        }
        guard pending[tp] == nil else { return .refused(.operationNotAttempted) }
        pending[tp] = Item(update: update, token: token)
        return nil
    }

    /// The next request, if none is in flight and changes are pending: every pending change, grouped by topic
    /// (v1 shape: topic names; `topicIDs` fills the v2 ids). Marks the request in flight.
    public mutating func nextRequest(brokerID: BrokerID, brokerEpoch: Int64, topicIDs: [String: KafkaUUID]) -> AlterPartitionRequest? {
        guard !requestInFlight, !pending.isEmpty else { return nil }
        requestInFlight = true
        let byTopic = Dictionary(grouping: pending.values.map(\.update), by: \.topicPartition.topic)
        return AlterPartitionRequest(
            brokerId: brokerID, brokerEpoch: brokerEpoch,
            topics: byTopic.keys.sorted().map { topic in
                AlterPartitionRequest.TopicData(
                    topicName: topic, topicId: topicIDs[topic] ?? .zero,
                    partitions: byTopic[topic]!.sorted { $0.topicPartition.partition < $1.topicPartition.partition }.map { update in
                        .init(
                            partitionIndex: update.topicPartition.partition, leaderEpoch: update.leaderEpoch, newIsr: update.isr,
                            leaderRecoveryState: 0, partitionEpoch: update.zkVersion)
                    })
            })
    }

    /// The request in flight got no answer (connection lost, timeout) or a top-level error (NOT_CONTROLLER,
    /// ...): everything stays pending for the next request.
    public mutating func requestFailed() {
        requestInFlight = false
    }

    /// The controller's answer to the request in flight (top-level error NONE): each answered partition's
    /// change leaves the queue with its outcome, except errors Kafka 3.3 retries (`Partition`'s
    /// `handleAlterPartitionError` default case), which stay pending. Partitions missing from the answer stay
    /// pending too (Kafka: "Controller returned an unexpected ... response"; they go again).
    public mutating func answered(_ response: AlterPartitionResponse) -> [(token: Token, outcome: Outcome)] {
        requestInFlight = false
        var completed: [(token: Token, outcome: Outcome)] = []
        for topic in response.topics {
            for answer in topic.partitions {
                let tp = TopicPartition(topic: topic.topicName, partition: answer.partitionIndex)
                guard let item = pending[tp] else { continue }
                let code = KafkaErrorCode(rawValue: answer.errorCode)
                let outcome: Outcome
                switch code {
                case .none:
                    // Kafka 3.3 applies the state the controller returns; here the ISR asked for is taken when
                    // that is what the controller holds (the log brings anything else).
                    outcome = answer.isr == item.update.isr && answer.leaderEpoch == item.update.leaderEpoch
                        ? .accepted(partitionEpoch: answer.partitionEpoch) : .refused(.invalidUpdateVersion)
                case .invalidUpdateVersion, .fencedLeaderEpoch:
                    refusedEpochs[tp] = item.update.zkVersion
                    outcome = .refused(code)
                case .operationNotAttempted, .ineligibleReplica, .unknownTopicOrPartition, .invalidRequest, .unknownTopicID:
                    outcome = .refused(code)
                default:
                    continue  // retried with the next request
                }
                pending[tp] = nil
                completed.append((item.token, outcome))
            }
        }
        return completed
    }

    /// Shutdown: every pending change is dropped (its submitter learns nothing was applied).
    public mutating func drain() -> [Token] {
        let tokens = pending.values.map(\.token)
        pending = [:]
        requestInFlight = false
        return tokens
    }
}
