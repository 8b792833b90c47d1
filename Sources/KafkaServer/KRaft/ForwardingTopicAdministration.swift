import KafkaBroker
import KafkaModel
import KafkaProtocol
import Logging

/// ``TopicAdministration`` for a KRaft broker: reads come from the published metadata image, writes
/// are forwarded to the active controller as CreateTopics (v4) and DeleteTopics (v3) on its controller
/// listener (Kafka 3.3 forwards admin requests there; see docs/kraft.md for the difference in shape).
struct ForwardingTopicAdministration: TopicAdministration {
    let channel: ControllerChannel
    let view: KRaftMetadataView
    /// How long the controller may take to commit a creation (the request's `timeoutMs`).
    let timeoutMs: Int32
    /// How long one forwarded attempt waits for its answer: Kafka 3.3's forwarding channel uses
    /// `controller.socket.timeout.ms` (30 s), not the quorum's 2 s request timeout, so a large creation is
    /// answered instead of timing out and being sent again.
    var attemptTimeout: Duration = .seconds(30)
    /// How long a forwarded request is retried (Kafka 3.3's forwarding `retryTimeoutMs`, 60 s).
    var retryTimeout: Duration = .seconds(60)
    var logger = Logger(label: "kafka.server.ForwardingManager")

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
        let (result, retried) = try await forward {
            let topic = try await channel.send(request, version: 4, timeout: attemptTimeout).response.topics.first
            return (topic, KafkaErrorCode(rawValue: topic?.errorCode ?? KafkaErrorCode.unknownServerError.rawValue))
        }
        let code = KafkaErrorCode(rawValue: result?.errorCode ?? KafkaErrorCode.unknownServerError.rawValue)
        var outcome = resolve(code, retried: retried, name: name, assignment: assignment, config: config)
        if outcome == .alreadyExists, retried {
            // The controller answered from its committed state; this broker's image may be some fetches behind it
            // (a large topic's PartitionRecords arrive over several deliveries).
            for _ in 0..<100 where outcome == .alreadyExists
                && (view.image.state.topic(named: name)?.partitions.count ?? 0) < assignment.count
            {
                try await Task.sleep(for: .milliseconds(100))
                outcome = resolve(code, retried: retried, name: name, assignment: assignment, config: config)
            }
        }
        if outcome == .created, code == .topicAlreadyExists {
            logger.info("CreateTopics \(name): a retry was answered TOPIC_ALREADY_EXISTS, and the committed topic is the one this broker asked for: created by the earlier attempt")
        }
        switch outcome {
        case .created: return
        case .alreadyExists: throw TopicAdministrationError.topicAlreadyExists(name)
        case .failed(let code): throw ForwardedAdminError(operation: "CreateTopics \(name)", code: code, message: result?.errorMessage)
        }
    }

    private func resolve(
        _ code: KafkaErrorCode, retried: Bool, name: String, assignment: [Int32: [BrokerID]], config: [String: String]
    ) -> ForwardedTopicCreation {
        let state = view.image.state
        return ForwardedTopicCreation.resolve(
            code: code, retried: retried, existing: state.topic(named: name), existingConfigs: state.topicConfigs[name] ?? [:],
            assignment: assignment, configs: config)
    }

    func markTopicForDeletion(_ topic: String) async throws {
        let request = DeleteTopicsRequest(topicNames: [topic], timeoutMs: timeoutMs)
        let (result, _) = try await forward {
            let topic = try await channel.send(request, version: 3, timeout: attemptTimeout).response.responses.first
            return (topic, KafkaErrorCode(rawValue: topic?.errorCode ?? KafkaErrorCode.unknownServerError.rawValue))
        }
        let code = KafkaErrorCode(rawValue: result?.errorCode ?? KafkaErrorCode.unknownServerError.rawValue)
        if code == .unknownTopicOrPartition { throw TopicAdministrationError.unknownTopic(topic) }
        guard code == .none else { throw ForwardedAdminError(operation: "DeleteTopics \(topic)", code: code, message: nil) }
    }

    func createPartitions(_ request: CreatePartitionsRequest, version: Int16) async throws -> CreatePartitionsResponse {
        try await forward {
            let response = try await channel.send(request, version: version, timeout: attemptTimeout).response
            let notController = response.results.contains { $0.errorCode == KafkaErrorCode.notController.rawValue }
            return (response, notController ? KafkaErrorCode.notController : KafkaErrorCode.none)
        }.result
    }

    func topicConfig(_ topic: String) async throws -> [String: String]? {
        let state = view.image.state
        guard state.topic(named: topic) != nil else { return nil }
        return state.topicConfigs[topic] ?? [:]
    }

    /// Retries a forwarded request while the controller is unreachable, does not answer, or answers NOT_CONTROLLER
    /// (it is moving; Kafka's `BrokerToControllerChannelManager` retries on the next leader the same way), for up
    /// to `retryTimeout`. `retried` says whether an earlier attempt was made, which the controller may have applied.
    private func forward<T>(_ send: () async throws -> (T, KafkaErrorCode)) async throws -> (result: T, retried: Bool) {
        var lastError: (any Error)?
        let deadline = ContinuousClock.now + retryTimeout
        var attempt = 0
        while attempt == 0 || ContinuousClock.now < deadline {
            if attempt > 0 { try await Task.sleep(for: .milliseconds(250 * min(attempt, 8))) }
            attempt += 1
            do {
                let (result, code) = try await send()
                guard code == .notController else { return (result, attempt > 1) }
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
