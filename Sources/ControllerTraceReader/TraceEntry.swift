import KafkaController
import KafkaModel

/// Where one broker's trace lives: `<logDir>/controller-trace.jsonl` of broker `brokerID`.
public struct TraceSource: Sendable, Hashable {
    public var brokerID: BrokerID
    public var path: String

    public init(brokerID: BrokerID, path: String) {
        self.brokerID = brokerID
        self.path = path
    }
}

/// One record of a broker's trace, placed on the merged timeline.
public struct TraceEntry: Sendable, Hashable {
    /// The broker whose controller wrote the record.
    public var brokerID: BrokerID
    /// The trace file and 1-based line the record came from.
    public var file: String
    public var line: Int
    /// Where the record sits on the timeline, in wall-clock milliseconds: an event's processing start
    /// (enqueue time + queue wait), a transition's or milestone's `timeMs` (for transitions written without
    /// one, the start of the event that caused them).
    public var timeMs: Double
    /// The controller epoch the record belongs to: the record's own for transitions and milestones; for
    /// events, the epoch this broker held as controller while processing it (nil when it was not controller).
    public var controllerEpoch: Int32?
    /// For a transition, the line of the event record (same file) whose processing produced it.
    public var causeLine: Int?
    public var record: ControllerTraceRecord

    public init(
        brokerID: BrokerID, file: String, line: Int, timeMs: Double, controllerEpoch: Int32?, causeLine: Int? = nil,
        record: ControllerTraceRecord
    ) {
        self.brokerID = brokerID
        self.file = file
        self.line = line
        self.timeMs = timeMs
        self.controllerEpoch = controllerEpoch
        self.causeLine = causeLine
        self.record = record
    }

    public var event: ControllerEventTraceRecord? { if case .event(let r) = record { r } else { nil } }
    public var transition: StateTransitionTraceRecord? { if case .transition(let r) = record { r } else { nil } }
    public var milestone: ControllerMilestoneTraceRecord? { if case .milestone(let r) = record { r } else { nil } }
}

/// A line that could not be read: reported (file and line number) and skipped.
public struct TraceProblem: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the whole file could not be read.
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

/// Every broker's trace, merged into one timeline, plus what could not be read.
public struct MergedControllerTrace: Sendable {
    /// Ordered by time; ties keep each file's order, then broker id.
    public var entries: [TraceEntry]
    public var problems: [TraceProblem]
    /// Sources whose file does not exist (a broker that never started, or wrote nothing yet).
    public var missingFiles: [String]

    public init(entries: [TraceEntry], problems: [TraceProblem] = [], missingFiles: [String] = []) {
        self.entries = entries
        self.problems = problems
        self.missingFiles = missingFiles
    }
}
