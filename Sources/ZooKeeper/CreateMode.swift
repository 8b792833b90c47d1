/// How a znode is created. Raw values are the C client's `ZOO_*` create flags.
public enum CreateMode: Int32, Sendable, CaseIterable {
    /// `ZOO_PERSISTENT`: stays until deleted.
    case persistent = 0
    /// `ZOO_EPHEMERAL`: deleted when the creating session ends (Kafka's `/brokers/ids/N`, `/controller`).
    case ephemeral = 1
    /// `ZOO_PERSISTENT_SEQUENTIAL`: a monotonically increasing 10-digit suffix is appended
    /// (Kafka's `/isr_change_notification/isr_change_<seq>`).
    case persistentSequential = 2
    /// `ZOO_EPHEMERAL_SEQUENTIAL`
    case ephemeralSequential = 3

    public var isEphemeral: Bool { self == .ephemeral || self == .ephemeralSequential }
    public var isSequential: Bool { self == .persistentSequential || self == .ephemeralSequential }
}
