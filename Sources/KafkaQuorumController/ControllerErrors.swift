import KafkaProtocol

/// Error codes of Kafka 3.x's controller APIs that the 2.8.2 protocol module does not name.
extension KafkaErrorCode {
    /// UNKNOWN_TOPIC_ID.
    public static let unknownTopicID = Self(rawValue: 100)
    /// DUPLICATE_BROKER_REGISTRATION.
    public static let duplicateBrokerRegistration = Self(rawValue: 101)
    /// BROKER_ID_NOT_REGISTERED.
    public static let brokerIDNotRegistered = Self(rawValue: 102)
    /// INELIGIBLE_REPLICA (KIP-841: an AlterPartition adding a fenced or shutting-down broker to the ISR).
    public static let ineligibleReplica = Self(rawValue: 107)
}
