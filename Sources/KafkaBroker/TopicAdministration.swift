import KafkaModel

/// The admin writes behind CreateTopics, DeleteTopics and DescribeConfigs (Kafka 2.8's
/// `AdminZkClient`), kept behind a protocol so that the broker's handlers never talk to ZooKeeper
/// themselves. `KafkaServer` implements it over the broker's ZooKeeper session.
public protocol TopicAdministration: Sendable {
    /// Whether `/brokers/topics/<topic>` exists.
    func topicExists(_ topic: String) async throws -> Bool

    /// Every topic in `/brokers/topics` (for Kafka's collision check of `.` against `_`).
    func allTopics() async throws -> [String]

    /// The brokers registered with the control plane (`/brokers/ids` in ZooKeeper mode), which auto-creation
    /// places replicas on, as Kafka's `AdminZkClient.createTopic` does.
    func registeredBrokers() async throws -> [BrokerID]

    /// Kafka's `AdminZkClient.createTopicWithAssignment`: writes `config` to `/config/topics/<topic>`
    /// (set or create, not atomic with the next step), then creates `/brokers/topics/<topic>` with
    /// `assignment` (partition → replicas, first replica preferred). Throws
    /// ``TopicAdministrationError/topicAlreadyExists(_:)`` when the topic znode exists.
    func createTopic(name: String, assignment: [Int32: [BrokerID]], config: [String: String]) async throws

    /// Kafka's `AdminZkClient.deleteTopic`: creates `/admin/delete_topics/<topic>`. Throws
    /// ``TopicAdministrationError/unknownTopic(_:)`` when the topic does not exist and
    /// ``TopicAdministrationError/alreadyMarkedForDeletion(_:)`` when the marker exists.
    func markTopicForDeletion(_ topic: String) async throws

    /// The topic's overrides in `/config/topics/<topic>`, or nil if that znode does not exist.
    func topicConfig(_ topic: String) async throws -> [String: String]?

    /// Whether every broker may take admin requests because the writes go to the active controller
    /// (KRaft mode: Kafka 3.3 brokers forward CreateTopics and DeleteTopics to the controller). In
    /// ZooKeeper mode only the broker that is the active controller answers them (NOT_CONTROLLER
    /// elsewhere), as Kafka 2.8 without forwarding does.
    var forwardsToController: Bool { get }
}

extension TopicAdministration {
    public var forwardsToController: Bool { false }
}

/// The outcomes of ``TopicAdministration`` that handlers turn into Kafka error codes.
public enum TopicAdministrationError: Error, Sendable, Equatable, CustomStringConvertible {
    case topicAlreadyExists(String)
    case unknownTopic(String)
    case alreadyMarkedForDeletion(String)
    /// What the creation would write exceeds what the control plane can store (the message says which limit).
    case tooLarge(String)

    public var description: String {
        switch self {
        case .topicAlreadyExists(let topic): "Topic '\(topic)' already exists."
        case .unknownTopic(let topic): "Topic `\(topic)` to delete does not exist"
        case .alreadyMarkedForDeletion(let topic): "topic \(topic) is already marked for deletion"
        case .tooLarge(let message): message
        }
    }
}

/// Stands in where no control plane can perform admin writes (tests of the handlers alone): every
/// call fails, so CreateTopics and DeleteTopics answer with an error instead of pretending.
struct UnavailableTopicAdministration: TopicAdministration {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String { "topic administration is not available on this broker" }
    }
    func topicExists(_ topic: String) async throws -> Bool { throw Unavailable() }
    func allTopics() async throws -> [String] { throw Unavailable() }
    func registeredBrokers() async throws -> [BrokerID] { throw Unavailable() }
    func createTopic(name: String, assignment: [Int32: [BrokerID]], config: [String: String]) async throws {
        throw Unavailable()
    }
    func markTopicForDeletion(_ topic: String) async throws { throw Unavailable() }
    func topicConfig(_ topic: String) async throws -> [String: String]? { throw Unavailable() }
}
