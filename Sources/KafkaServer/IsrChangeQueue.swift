import KafkaBroker
import KafkaModel
import KafkaProtocol
import KafkaQuorumController

/// The bookkeeping of Kafka's `AlterIsrManager` (2.8, ZooKeeper mode, AlterIsr) and `AlterPartitionManager`
/// (3.3, KRaft, AlterPartition) as a value: the ISR changes partition leaders submit, sent to the active
/// controller as **one request holding every pending change, with at most one request in flight**; changes
/// submitted meanwhile go in the next request. A partition has at most one pending change (a second submit is
/// answered OPERATION_NOT_ATTEMPTED at once, as Kafka's `submit` does). A change leaves the queue only when the
/// controller answers for its partition: a lost connection, a timeout, NOT_CONTROLLER or an error Kafka retries
/// (STALE_BROKER_EPOCH, ...) keeps it for the next request.
///
/// The queue does not know the wire: ``nextBatch()`` hands out the changes and ``answered(_:)`` takes the
/// controller's per-partition answers, whichever API carried them (`AlterIsr` v0 and `AlterPartition` v0–v1 are
/// the same message but for `CurrentIsrVersion` being called `PartitionEpoch`; see `IsrChangeWire.swift`).
///
/// Without this, a restarted broker's followers catching up at N=1,000 made their leaders send 1,000
/// one-partition requests at once; the later ones outlived the request timeout, the timeout closed the shared
/// connection and failed all the others, and their retries met INVALID_UPDATE_VERSION (the first attempt had
/// been applied), so the ISRs refilled slowly or not at all.
///
/// `Token` identifies the submitter (the shell's continuation). Pure: no clock, no sockets.
public struct IsrChangeQueue<Token: Hashable & Sendable>: Sendable {
    public struct Item: Sendable, Equatable {
        public var update: Partition.IsrUpdate
        public var token: Token
    }

    /// What a submitter learns.
    public enum Outcome: Sendable, Equatable {
        /// The controller applied the ISR; its new version (zkVersion in ZooKeeper mode, partition epoch in KRaft).
        case accepted(partitionEpoch: Int32)
        /// Not applied; the leader keeps its committed ISR and waits for the controller's LeaderAndIsr (ZooKeeper
        /// mode) or the metadata log (KRaft).
        case refused(KafkaErrorCode)
    }

    public init() {}

    public private(set) var pending: [TopicPartition: Item] = [:]
    public private(set) var requestInFlight = false
    /// Partitions the controller answered INVALID_UPDATE_VERSION or FENCED_LEADER_EPOCH for, with the
    /// version that was refused. Kafka keeps such a partition's change pending until the controller sends a
    /// newer state (`makeLeader`); here a submit at that version or older is refused at once, so a leader whose
    /// follower fetches keep asking does not resend a change the controller already refused.
    public private(set) var refusedEpochs: [TopicPartition: Int32] = [:]

    /// Queues `update`, or answers at once: OPERATION_NOT_ATTEMPTED while the partition already has a change
    /// pending, INVALID_UPDATE_VERSION when its version was refused before.
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

    /// The next batch, if no request is in flight and changes are pending: every pending change, sorted by
    /// partition. Marks the request in flight.
    public mutating func nextBatch() -> [Partition.IsrUpdate]? {
        guard !requestInFlight, !pending.isEmpty else { return nil }
        requestInFlight = true
        return pending.values.map(\.update).sorted { $0.topicPartition < $1.topicPartition }
    }

    /// The request in flight got no answer (connection lost, timeout) or a top-level error (NOT_CONTROLLER,
    /// ...): everything stays pending for the next request.
    public mutating func requestFailed() {
        requestInFlight = false
    }

    /// The controller's answer to the request in flight (top-level error NONE): each answered partition's
    /// change leaves the queue with its outcome, except errors Kafka retries (2.8's `Partition.handleAlterIsrError`
    /// and 3.3's `handleAlterPartitionError` default case), which stay pending. Partitions missing from the answer
    /// stay pending too (Kafka: "Partition ... was sent but not included in the response"; they go again).
    public mutating func answered(_ answers: [IsrChangeAnswer]) -> [(token: Token, outcome: Outcome)] {
        requestInFlight = false
        var completed: [(token: Token, outcome: Outcome)] = []
        for answer in answers {
            let tp = answer.topicPartition
            guard let item = pending[tp] else { continue }
            let outcome: Outcome
            switch answer.error {
            case .none:
                // Kafka applies the state the controller returns; here the ISR asked for is taken when that is
                // what the controller holds (its LeaderAndIsr or metadata log brings anything else).
                outcome = answer.isr == item.update.isr && answer.leaderEpoch == item.update.leaderEpoch
                    ? .accepted(partitionEpoch: answer.version) : .refused(.invalidUpdateVersion)
            case .invalidUpdateVersion, .fencedLeaderEpoch:
                refusedEpochs[tp] = item.update.zkVersion
                outcome = .refused(answer.error)
            case .operationNotAttempted, .ineligibleReplica, .unknownTopicOrPartition, .invalidRequest, .unknownTopicID:
                outcome = .refused(answer.error)
            default:
                continue  // retried with the next request
            }
            pending[tp] = nil
            completed.append((item.token, outcome))
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

/// The controller's answer for one partition of an AlterIsr / AlterPartition request.
public struct IsrChangeAnswer: Sendable, Equatable {
    public var topicPartition: TopicPartition
    public var error: KafkaErrorCode
    public var leaderEpoch: Int32
    public var isr: [BrokerID]
    /// `CurrentIsrVersion` (AlterIsr) or `PartitionEpoch` (AlterPartition).
    public var version: Int32

    public init(topicPartition: TopicPartition, error: KafkaErrorCode, leaderEpoch: Int32, isr: [BrokerID], version: Int32) {
        self.topicPartition = topicPartition
        self.error = error
        self.leaderEpoch = leaderEpoch
        self.isr = isr
        self.version = version
    }
}
