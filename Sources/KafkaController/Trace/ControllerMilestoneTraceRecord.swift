import Foundation
import KafkaModel

/// A controller-level milestone in `controller-trace.jsonl`: this broker won the `/controller` race with a
/// new controller epoch, resigned, or (as the active controller) saw the set of live brokers change. These
/// are the lines that tie the event and transition records of many brokers into one story.
public struct ControllerMilestoneTraceRecord: Codable, Sendable, Hashable {
    /// What happened.
    public enum Kind: String, Codable, Sendable {
        /// The broker created `/controller` and incremented `/controller_epoch` (Kafka's "successfully
        /// elected as the controller").
        case elected
        /// The new controller finished its failover (Kafka's "Ready to serve as the new controller"): its context is
        /// loaded, its first LeaderAndIsr/UpdateMetadata requests are out. States read after this are its doing.
        case failoverCompleted
        /// The broker stopped being the controller (lost `/controller`, session expiry or shutdown).
        case resigned
        /// The active controller read `/brokers/ids` and found new, dead or bounced brokers.
        case brokerChange
        /// KRaft: this controller stood for election in a new Raft epoch (KIP-595 Candidate).
        case candidate
        /// KRaft: this controller granted its vote in a Raft epoch (`votedFor`).
        case voted
        /// KRaft: this controller follows the Raft leader `raftLeaderID` in an epoch (a standby controller).
        case follower
    }

    /// Always `"milestone"`.
    public var record: String = "milestone"
    public var kind: Kind
    /// Wall-clock milliseconds when the milestone was recorded.
    public var timeMs: Int64
    /// The broker whose controller recorded the milestone.
    public var brokerID: BrokerID
    /// The controller epoch won (`elected`), served from (`failoverCompleted`), given up (`resigned`), or current
    /// (`brokerChange`).
    public var controllerEpoch: Int32?
    /// The `/controller_epoch` znode version after the election.
    public var epochZKVersion: Int32?
    /// `brokerChange`: brokers that registered.
    public var newBrokers: [BrokerID]?
    /// `brokerChange`: brokers whose registration disappeared.
    public var deadBrokers: [BrokerID]?
    /// `brokerChange`: brokers that re-registered between two watch events.
    public var bouncedBrokers: [BrokerID]?
    /// `brokerChange`: every registered broker.
    public var liveBrokers: [BrokerID]?
    /// KRaft `follower`: the Raft leader (the active controller).
    public var raftLeaderID: BrokerID?
    /// KRaft `voted`: the candidate this controller voted for.
    public var votedFor: BrokerID?
    /// KRaft role changes: the metadata log's committed offset (high watermark) and log end at that moment.
    public var committedOffset: Int64?
    public var logEndOffset: Int64?

    public init(
        kind: Kind, timeMs: Int64 = ControllerMilestoneTraceRecord.nowMs(), brokerID: BrokerID,
        controllerEpoch: Int32? = nil, epochZKVersion: Int32? = nil, newBrokers: [BrokerID]? = nil,
        deadBrokers: [BrokerID]? = nil, bouncedBrokers: [BrokerID]? = nil, liveBrokers: [BrokerID]? = nil,
        raftLeaderID: BrokerID? = nil, votedFor: BrokerID? = nil, committedOffset: Int64? = nil, logEndOffset: Int64? = nil
    ) {
        self.kind = kind
        self.timeMs = timeMs
        self.brokerID = brokerID
        self.controllerEpoch = controllerEpoch
        self.epochZKVersion = epochZKVersion
        self.newBrokers = newBrokers
        self.deadBrokers = deadBrokers
        self.bouncedBrokers = bouncedBrokers
        self.liveBrokers = liveBrokers
        self.raftLeaderID = raftLeaderID
        self.votedFor = votedFor
        self.committedOffset = committedOffset
        self.logEndOffset = logEndOffset
    }

    /// Wall-clock milliseconds now.
    public static func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
