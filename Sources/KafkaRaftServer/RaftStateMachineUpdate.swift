import KafkaRaft

/// What a ``RaftQuorumNode`` tells the state machine on top after an input changed something: Kafka 3.3's
/// `RaftClient.Listener` callbacks (`handleCommit`, `handleSnapshot`, `handleLeaderChange`) as one value. It
/// holds the member's role as of that input and copies of the committed records (or the snapshot) the state
/// machine has not been given yet, so the state machine replays them on its own thread and never holds the
/// Raft thread (in Kafka, `QuorumController`'s event queue is a thread of its own, apart from
/// `KafkaRaftClient`'s; the listener callbacks only enqueue events).
public struct RaftStateMachineUpdate: Sendable, Equatable {
    /// The member's Raft state.
    public struct Role: Sendable, Equatable {
        /// `Leader`, `Follower`, `Candidate`, `Voted`, `Unattached` or `Resigned`.
        public var name: String
        public var epoch: Int32
        public var leaderID: Int32?
        public var votedFor: Int32?
        /// Leader only: the offset of its LeaderChange record, the first of its epoch.
        public var epochStartOffset: Int64?

        public init(name: String, epoch: Int32, leaderID: Int32?, votedFor: Int32?, epochStartOffset: Int64?) {
            self.name = name
            self.epoch = epoch
            self.leaderID = leaderID
            self.votedFor = votedFor
            self.epochStartOffset = epochStartOffset
        }

        public init(_ instance: RaftInstance) {
            var votedFor: Int32?
            var epochStartOffset: Int64?
            switch instance.state {
            case .voted(let voted): votedFor = voted.votedId
            case .leader(let leader): epochStartOffset = leader.epochStartOffset
            default: break
            }
            self.init(
                name: instance.state.name, epoch: instance.epoch, leaderID: instance.leaderId, votedFor: votedFor,
                epochStartOffset: epochStartOffset)
        }

        public var isLeader: Bool { epochStartOffset != nil }
    }

    public var role: Role
    /// The committed offset (exclusive) as of this update.
    public var highWatermark: Int64
    /// The member's log end as of this update. For a leader whose state machine has not appended in its epoch
    /// yet, this is exactly where its first append will go.
    public var logEndOffset: Int64
    /// Committed records (and a snapshot to load first, when the log starts past what was delivered), in order.
    public var deliveries: [RaftCommitCursor.Delivery]
    /// When the input ran (ms since the epoch).
    public var timeMs: Int64

    public init(role: Role, highWatermark: Int64, logEndOffset: Int64, deliveries: [RaftCommitCursor.Delivery], timeMs: Int64) {
        self.role = role
        self.highWatermark = highWatermark
        self.logEndOffset = logEndOffset
        self.deliveries = deliveries
        self.timeMs = timeMs
    }
}

/// Decides what a ``RaftQuorumNode`` hands its state machine after each input (pure): the committed records not
/// delivered yet, and the role and offsets whenever they changed. Inputs that changed none of these give no
/// update, so an idle member's 5 ms timer costs the state machine nothing.
public struct RaftStateMachineFeed: Sendable, Equatable {
    private var cursor = RaftCommitCursor()
    private var last: (role: RaftStateMachineUpdate.Role, highWatermark: Int64, logEndOffset: Int64)?

    public init() {}

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.cursor == rhs.cursor && lhs.last?.role == rhs.last?.role && lhs.last?.highWatermark == rhs.last?.highWatermark
            && lhs.last?.logEndOffset == rhs.last?.logEndOffset
    }

    /// The update for the member as it is after an input, or nil when nothing the state machine sees changed.
    public mutating func update(after instance: RaftInstance, now: Int64) -> RaftStateMachineUpdate? {
        let role = RaftStateMachineUpdate.Role(instance)
        let deliveries = cursor.advance(log: instance.log, highWatermark: instance.highWatermark)
        let highWatermark = instance.highWatermark
        let logEndOffset = instance.log.endOffset
        if deliveries.isEmpty, let last, last.role == role, last.highWatermark == highWatermark,
            last.logEndOffset == logEndOffset
        {
            return nil
        }
        last = (role, highWatermark, logEndOffset)
        return RaftStateMachineUpdate(
            role: role, highWatermark: highWatermark, logEndOffset: logEndOffset, deliveries: deliveries, timeMs: now)
    }
}

/// A state machine driven by a ``RaftQuorumNode`` (Kafka 3.3's `RaftClient.Listener`). The node calls it on the
/// node's queue after an input that changed something; it must only hand the update to its own queue (as
/// Kafka's `QuorumMetaLogListener` appends an event to the controller's queue) and return at once. It appends
/// with ``RaftQuorumNode/append(_:epoch:)`` from its own queue, and stops the node with
/// ``RaftQuorumNode/halt(_:)`` when the log cannot be applied.
public protocol RaftStateMachine: AnyObject, Sendable {
    func raftNode(_ node: RaftQuorumNode, didUpdate update: RaftStateMachineUpdate)
}
