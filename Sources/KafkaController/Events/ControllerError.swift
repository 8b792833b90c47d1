/// A failure the controller reports to whoever asked it for something: a reply closure of an event, a
/// per-partition state-change result, or an error thrown out of a state machine.
///
/// A struct with an extensible ``Code`` rather than a public enum, so adding a code is not a breaking
/// change. The codes are named after the Kafka exceptions or error codes they stand for.
public struct ControllerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public var name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// This broker is not (or no longer) the active controller: Kafka's `NOT_CONTROLLER`.
        public static let notController = Code("NOT_CONTROLLER")
        /// A fenced write failed or the controller moved: Kafka's `ControllerMovedException`. Means "resign".
        public static let controllerMoved = Code("CONTROLLER_MOVED")
        /// A request carried an older broker epoch than the controller knows: `StaleBrokerEpochException`.
        public static let staleBrokerEpoch = Code("STALE_BROKER_EPOCH")
        /// The broker is not registered: `BrokerNotAvailableException`.
        public static let brokerNotAvailable = Code("BROKER_NOT_AVAILABLE")
        /// A partition state change could not be made: `StateChangeFailedException`.
        public static let stateChangeFailed = Code("STATE_CHANGE_FAILED")
        /// The partition already has the leader an election would pick: `ELECTION_NOT_NEEDED`.
        public static let electionNotNeeded = Code("ELECTION_NOT_NEEDED")
        /// A preferred election found its preferred replica dead or out of the ISR.
        public static let preferredLeaderNotAvailable = Code("PREFERRED_LEADER_NOT_AVAILABLE")
        /// An unclean election found no live replica.
        public static let eligibleLeadersNotAvailable = Code("ELIGIBLE_LEADERS_NOT_AVAILABLE")
        /// The topic is being deleted: `INVALID_TOPIC_EXCEPTION`.
        public static let invalidTopic = Code("INVALID_TOPIC_EXCEPTION")
        /// The partition is unknown: `UNKNOWN_TOPIC_OR_PARTITION`.
        public static let unknownTopicOrPartition = Code("UNKNOWN_TOPIC_OR_PARTITION")
        /// A batch or state was not what the code expected: Kafka's `IllegalStateException`.
        public static let illegalState = Code("ILLEGAL_STATE")
        /// An AlterIsr carried a leader epoch older than the controller's: `FENCED_LEADER_EPOCH`.
        public static let fencedLeaderEpoch = Code("FENCED_LEADER_EPOCH")
        /// An AlterIsr's compare-and-set on the partition state's zkVersion failed: `INVALID_UPDATE_VERSION`.
        public static let invalidUpdateVersion = Code("INVALID_UPDATE_VERSION")
        /// Anything else that failed a write: Kafka's `UNKNOWN_SERVER_ERROR`.
        public static let unknownServerError = Code("UNKNOWN_SERVER_ERROR")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
