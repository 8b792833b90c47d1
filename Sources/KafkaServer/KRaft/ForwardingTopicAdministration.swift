import KafkaBroker
import KafkaModel
import KafkaProtocol

/// ``TopicAdministration`` for a KRaft broker: reads come from the published metadata image, writes
/// are forwarded to the active controller as CreateTopics (v4) and DeleteTopics (v3) on its controller
/// listener (Kafka 3.3 forwards admin requests there; see docs/kraft.md for the difference in shape).
struct ForwardingTopicAdministration: TopicAdministration {
    let channel: ControllerChannel
    let view: KRaftMetadataView
    /// How long the controller may take to commit a creation (the request's `timeoutMs`).
    let timeoutMs: Int32

    var forwardsToController: Bool { true }

    func topicExists(_ topic: String) async throws -> Bool { view.image.state.topic(named: topic) != nil }

    func allTopics() async throws -> [String] { view.image.state.topics.values.map(\.name).sorted() }

    /// Unfenced brokers: the ones the controller places replicas on.
    func registeredBrokers() async throws -> [BrokerID] { view.image.state.unfencedBrokerIDs }

    func createTopic(name: String, assignment: [Int32: [BrokerID]], config: [String: String]) async throws {
        let request = CreateTopicsRequest(
            topics: [.init(
                name: name, numPartitions: -1, replicationFactor: -1,
                assignments: assignment.keys.sorted().map { .init(partitionIndex: $0, brokerIds: assignment[$0]!) },
                configs: config.keys.sorted().map { .init(name: $0, value: config[$0]) })],
            timeoutMs: timeoutMs)
        let result = try await forward {
            let topic = try await channel.send(request, version: 4).response.topics.first
            return (topic, KafkaErrorCode(rawValue: topic?.errorCode ?? KafkaErrorCode.unknownServerError.rawValue))
        }
        let code = KafkaErrorCode(rawValue: result?.errorCode ?? KafkaErrorCode.unknownServerError.rawValue)
        if code == .topicAlreadyExists { throw TopicAdministrationError.topicAlreadyExists(name) }
        guard code == .none else { throw ForwardedAdminError(operation: "CreateTopics \(name)", code: code, message: result?.errorMessage) }
    }

    func markTopicForDeletion(_ topic: String) async throws {
        let request = DeleteTopicsRequest(topicNames: [topic], timeoutMs: timeoutMs)
        let result = try await forward {
            let topic = try await channel.send(request, version: 3).response.responses.first
            return (topic, KafkaErrorCode(rawValue: topic?.errorCode ?? KafkaErrorCode.unknownServerError.rawValue))
        }
        let code = KafkaErrorCode(rawValue: result?.errorCode ?? KafkaErrorCode.unknownServerError.rawValue)
        if code == .unknownTopicOrPartition { throw TopicAdministrationError.unknownTopic(topic) }
        guard code == .none else { throw ForwardedAdminError(operation: "DeleteTopics \(topic)", code: code, message: nil) }
    }

    func topicConfig(_ topic: String) async throws -> [String: String]? {
        let state = view.image.state
        guard state.topic(named: topic) != nil else { return nil }
        return state.topicConfigs[topic] ?? [:]
    }

    /// Retries a forwarded request while the controller is unreachable or answers NOT_CONTROLLER (it is
    /// moving; Kafka's `BrokerToControllerChannelManager` retries on the next leader the same way).
    private func forward<T>(_ send: () async throws -> (T, KafkaErrorCode)) async throws -> T {
        var lastError: (any Error)?
        for attempt in 0..<8 {
            if attempt > 0 { try await Task.sleep(for: .milliseconds(250 * attempt)) }
            do {
                let (result, code) = try await send()
                guard code == .notController else { return result }
                await channel.notController()
                lastError = ForwardedAdminError(operation: "forwarding", code: code, message: "no active controller answered")
            } catch {
                lastError = error
            }
        }
        throw lastError ?? ControllerChannelError.noController
    }
}

struct ForwardedAdminError: Error, CustomStringConvertible {
    var operation: String
    var code: KafkaErrorCode
    var message: String?
    var description: String { "the controller answered \(operation) with error \(code.rawValue)\(message.map { ": \($0)" } ?? "")" }
}
