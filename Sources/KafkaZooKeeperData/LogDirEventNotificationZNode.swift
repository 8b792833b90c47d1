import KafkaModel

/// `/log_dir_event_notification/log_dir_event_<seq>`: a broker whose log directory failed says so here
/// (Kafka 2.8's `LogDirEventNotificationSequenceZNode`: `{"version":1,"broker":<id>,"event":1}`, the event
/// being `LogDirEventNotificationHandler.LogDirFailure`). The controller reads the broker id, asks that broker
/// which replicas it still hosts (LeaderAndIsr) and deletes the znode.
public enum LogDirEventNotificationZNode {
    /// The name prefix of the persistent sequential children.
    public static let prefix = "log_dir_event_"
    /// Kafka's `LogDirEventNotificationHandler.LogDirFailure`, the only event there is.
    public static let logDirFailure: Int64 = 1

    /// The path prefix a broker creates with `persistentSequential` mode.
    public static var sequencePathPrefix: String { ZNodePaths.logDirEventNotification + "/" + prefix }

    public static func encode(brokerID: BrokerID) -> [UInt8] {
        JSONText.encode(.object([("version", .int(1)), ("broker", .int(Int64(brokerID))), ("event", .int(logDirFailure))]))
    }

    /// The broker id a notification names.
    public static func decode(_ data: [UInt8]?, path: String) throws(ZNodeDataError) -> BrokerID {
        try JSONText.object(data, path: path).int32("broker")
    }
}
