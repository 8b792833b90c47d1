import KafkaModel

/// One line of `controller-trace.jsonl`: a processed (or preempted) controller event, a state transition of a
/// partition or replica, or a controller milestone (elected, resigned, broker change). Encoded as one flat
/// JSON object whose `record` key says which (`event`, `transition`, `milestone`).
public enum ControllerTraceRecord: Sendable, Hashable, Codable {
    case event(ControllerEventTraceRecord)
    case transition(StateTransitionTraceRecord)
    case milestone(ControllerMilestoneTraceRecord)

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .event(let record): try record.encode(to: encoder)
        case .transition(let record): try record.encode(to: encoder)
        case .milestone(let record): try record.encode(to: encoder)
        }
    }

    private enum RecordKey: String, CodingKey { case record }

    /// Decodes a line by its `record` key; an unknown kind is a `DecodingError.dataCorrupted`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: RecordKey.self)
        let kind = try container.decode(String.self, forKey: .record)
        switch kind {
        case "event": self = .event(try ControllerEventTraceRecord(from: decoder))
        case "transition": self = .transition(try StateTransitionTraceRecord(from: decoder))
        case "milestone": self = .milestone(try ControllerMilestoneTraceRecord(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .record, in: container, debugDescription: "unknown trace record kind '\(kind)'")
        }
    }
}

/// What happened to one controller event: its type, the controller state it ran in, when it was enqueued,
/// how long it waited in the queue and how long it took.
public struct ControllerEventTraceRecord: Codable, Sendable, Hashable {
    /// How an event left the queue.
    public enum Outcome: String, Codable, Sendable {
        /// Processed without error.
        case processed
        /// The processor threw; the error was logged and the thread carried on.
        case failed
        /// Drained by `clearAndPut` (or put after close) and answered without being processed.
        case preempted
    }

    /// Always `"event"`.
    public var record: String = "event"
    /// Kafka's event name, e.g. `BrokerChange`.
    public var type: String
    /// The ``ControllerState`` name the event ran in.
    public var state: String
    /// Wall-clock milliseconds when the event was enqueued.
    public var enqueueTimeMs: Int64
    /// Time spent waiting in the queue, in milliseconds.
    public var queueWaitMs: Double
    /// Time spent in the processor, in milliseconds (0 for preempted events).
    public var processingMs: Double
    public var outcome: Outcome
    /// The error the processor threw, for `failed` events.
    public var error: String?

    public init(
        type: String, state: String, enqueueTimeMs: Int64, queueWaitMs: Double, processingMs: Double,
        outcome: Outcome, error: String? = nil
    ) {
        self.type = type
        self.state = state
        self.enqueueTimeMs = enqueueTimeMs
        self.queueWaitMs = queueWaitMs
        self.processingMs = processingMs
        self.outcome = outcome
        self.error = error
    }
}

/// One state transition of a partition or replica, as the state machines decided it (Kafka's state-change
/// log line), including refused (invalid) and failed transitions.
public struct StateTransitionTraceRecord: Codable, Sendable, Hashable {
    /// Which state machine.
    public enum Kind: String, Codable, Sendable {
        case partition
        case replica
        /// A partition's ISR written at its leader's request (AlterIsr), outside both state machines: `from`
        /// and `to` are the partition's (unchanged) state, the leader and ISR fields the state written.
        case isr
    }

    /// Whether the transition took effect.
    public enum Outcome: String, Codable, Sendable {
        /// The new state was recorded in the context.
        case applied
        /// Invalid per the valid-previous-states table: logged and not applied.
        case refused
        /// Valid, but its action failed (no live replica, no eligible leader, ZooKeeper error, ...).
        case failed
    }

    /// Always `"transition"`.
    public var record: String = "transition"
    public var kind: Kind
    public var topic: String
    public var partition: Int32
    /// The replica's broker, for replica transitions.
    public var replica: BrokerID?
    /// Kafka's state name before the transition, e.g. `OfflinePartition`.
    public var from: String
    /// Kafka's state name the transition aimed for.
    public var to: String
    /// Leader after the transition, when known.
    public var leader: BrokerID?
    /// ISR after the transition, when known.
    public var isr: [BrokerID]?
    /// Leader epoch after the transition, when known.
    public var leaderEpoch: Int32?
    /// The epoch of the controller that made the change.
    public var controllerEpoch: Int32
    /// Why the transition was attempted (e.g. `BrokerChange`, `onNewPartitionCreation`).
    public var cause: String
    public var outcome: Outcome
    /// Why a refused or failed transition did not happen.
    public var reason: String?
    /// Wall-clock milliseconds when the transition was recorded. Stamped by ``JSONLinesControllerTraceSink``
    /// when the record is appended to it (nil in memory), so merged traces can be ordered.
    public var timeMs: Int64?

    public init(
        kind: Kind, topicPartition: TopicPartition, replica: BrokerID? = nil, from: String, to: String,
        leaderAndISR: LeaderAndISR? = nil, controllerEpoch: Int32, cause: String, outcome: Outcome,
        reason: String? = nil
    ) {
        self.kind = kind
        self.topic = topicPartition.topic
        self.partition = topicPartition.partition
        self.replica = replica
        self.from = from
        self.to = to
        self.leader = leaderAndISR?.leader
        self.isr = leaderAndISR?.isr
        self.leaderEpoch = leaderAndISR?.leaderEpoch
        self.controllerEpoch = controllerEpoch
        self.cause = cause
        self.outcome = outcome
        self.reason = reason
    }

    /// The partition the record is about.
    public var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }
}
