/// What the controller event thread is doing right now: Kafka's `ControllerState`.
///
/// Every ``ControllerEvent`` maps to one state (``ControllerEvent/state``). The event thread sets the
/// state before it processes an event and resets it to ``idle`` afterwards, so the state is the
/// answer to "what is the controller busy with". The raw values are Kafka 2.8's (`ControllerState.value`),
/// which is what the `kafka.controller:type=KafkaController,name=ControllerState` gauge reports.
public enum ControllerState: Int8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Waiting for the next event.
    case idle = 0
    /// `Startup`, `ControllerChange`, `Reelect`, `Expire`, `RegisterBrokerAndReelect`.
    case controllerChange = 1
    /// `BrokerChange`, `BrokerModifications`.
    case brokerChange = 2
    /// `TopicChange`, `PartitionModifications`.
    case topicChange = 3
    /// `TopicDeletion`, `TopicDeletionStopReplicaResponseReceived`.
    case topicDeletion = 4
    /// `ZkPartitionReassignment`, `ApiPartitionReassignment`, `PartitionReassignmentIsrChange`.
    case alterPartitionReassignment = 5
    /// `AutoPreferredReplicaLeaderElection`.
    case autoLeaderBalance = 6
    /// `ReplicaLeaderElection`.
    case manualLeaderBalance = 7
    /// `ControlledShutdown`.
    case controlledShutdown = 8
    /// `IsrChangeNotification`, `AlterIsrReceived`.
    case isrChange = 9
    /// `LeaderAndIsrResponseReceived`.
    case leaderAndISRResponseReceived = 10
    /// `LogDirEventNotification`.
    case logDirChange = 11
    /// `ShutdownEventThread`.
    case controllerShutdown = 12
    /// `UncleanLeaderElectionEnable`.
    case uncleanLeaderElectionEnable = 13
    /// `TopicUncleanLeaderElectionEnable`.
    case topicUncleanLeaderElectionEnable = 14
    /// `ListPartitionReassignments`.
    case listPartitionReassignment = 15
    /// `UpdateMetadataResponseReceived`.
    case updateMetadataResponseReceived = 16
    /// `UpdateFeatures`.
    case updateFeatures = 17

    /// Kafka's name for the state, as its logs and metrics spell it.
    public var name: String {
        switch self {
        case .idle: "Idle"
        case .controllerChange: "ControllerChange"
        case .brokerChange: "BrokerChange"
        case .topicChange: "TopicChange"
        case .topicDeletion: "TopicDeletion"
        case .alterPartitionReassignment: "AlterPartitionReassignment"
        case .autoLeaderBalance: "AutoLeaderBalance"
        case .manualLeaderBalance: "ManualLeaderBalance"
        case .controlledShutdown: "ControlledShutdown"
        case .isrChange: "IsrChange"
        case .leaderAndISRResponseReceived: "LeaderAndIsrResponseReceived"
        case .logDirChange: "LogDirChange"
        case .controllerShutdown: "ControllerShutdown"
        case .uncleanLeaderElectionEnable: "UncleanLeaderElectionEnable"
        case .topicUncleanLeaderElectionEnable: "TopicUncleanLeaderElectionEnable"
        case .listPartitionReassignment: "ListPartitionReassignment"
        case .updateMetadataResponseReceived: "UpdateMetadataResponseReceived"
        case .updateFeatures: "UpdateFeatures"
        }
    }

    /// The name of Kafka's `kafka.controller:type=ControllerStats` rate-and-time metric for this state, or
    /// `nil` for the two states Kafka does not time (`Idle`, `UpdateMetadataResponseReceived`).
    public var rateAndTimeMetricName: String? {
        switch self {
        case .idle, .updateMetadataResponseReceived: nil
        // Kafka kept the legacy metric name for broker changes.
        case .brokerChange: "LeaderElectionRateAndTimeMs"
        case .alterPartitionReassignment: "PartitionReassignmentRateAndTimeMs"
        default: "\(name)RateAndTimeMs"
        }
    }

    public var description: String { name }
}
