import KafkaModel

/// The settings the ZooKeeper-mode controller uses (a subset of Kafka 2.8's `KafkaConfig`).
public struct ControllerConfiguration: Sendable {
    public var brokerID: BrokerID
    /// The listener the controller reaches brokers on (`inter.broker.listener.name`).
    public var interBrokerListenerName: String
    public var uncleanLeaderElectionEnable: Bool
    /// `delete.topic.enable`: when false, `/admin/delete_topics` entries are removed and ignored.
    public var deleteTopicEnable: Bool
    public var autoLeaderRebalanceEnable: Bool
    public var leaderImbalancePerBrokerPercentage: Int
    public var leaderImbalanceCheckIntervalSeconds: Int64
    /// Connect and request timeout of the controller's broker channels (`controller.socket.timeout.ms`).
    public var controllerSocketTimeoutMs: Int
    /// Where `controller-trace.jsonl` goes (the broker's first log dir), or nil for no file.
    public var traceDirectory: String?

    public init(
        brokerID: BrokerID, interBrokerListenerName: String, uncleanLeaderElectionEnable: Bool = false,
        autoLeaderRebalanceEnable: Bool = true, leaderImbalancePerBrokerPercentage: Int = 10,
        leaderImbalanceCheckIntervalSeconds: Int64 = 300, controllerSocketTimeoutMs: Int = 30_000,
        traceDirectory: String? = nil, deleteTopicEnable: Bool = true
    ) {
        self.deleteTopicEnable = deleteTopicEnable
        self.brokerID = brokerID
        self.interBrokerListenerName = interBrokerListenerName
        self.uncleanLeaderElectionEnable = uncleanLeaderElectionEnable
        self.autoLeaderRebalanceEnable = autoLeaderRebalanceEnable
        self.leaderImbalancePerBrokerPercentage = leaderImbalancePerBrokerPercentage
        self.leaderImbalanceCheckIntervalSeconds = leaderImbalanceCheckIntervalSeconds
        self.controllerSocketTimeoutMs = controllerSocketTimeoutMs
        self.traceDirectory = traceDirectory
    }
}
