import ArgumentParser
import Foundation
import KafkaClient
import KafkaProtocol

/// The admin-client side of `zkafka topics`: a bootstrap connection for Metadata and
/// DescribeConfigs, and a connection to the active controller (found from Metadata's controller id)
/// for CreateTopics and DeleteTopics, re-resolved when a broker answers NOT_CONTROLLER.
final class TopicsAdmin: Sendable {
    typealias Address = (host: String, port: Int)

    private let bootstrap: KafkaConnection
    /// How long one request may take before the tool gives up on the broker.
    private let requestTimeout: Duration = .seconds(60)

    private init(bootstrap: KafkaConnection) { self.bootstrap = bootstrap }

    static func parseBootstrap(_ text: String) throws -> [Address] {
        try text.split(separator: ",").map { entry in
            let entry = entry.trimmingCharacters(in: .whitespaces)
            guard let colon = entry.lastIndex(of: ":"), let port = Int(entry[entry.index(after: colon)...]),
                (1...65535).contains(port), colon != entry.startIndex
            else {
                throw ValidationError("--bootstrap-server takes HOST:PORT[,HOST:PORT...], got '\(text)'")
            }
            return (String(entry[..<colon]), port)
        }
    }

    /// Connects to the first bootstrap server that accepts.
    static func connect(bootstrap: [Address]) async throws -> TopicsAdmin {
        var failures: [String] = []
        for address in bootstrap {
            do {
                return TopicsAdmin(
                    bootstrap: try await KafkaConnection.connect(
                        host: address.host, port: address.port, clientID: "zkafka-topics", timeout: .seconds(10)))
            } catch {
                failures.append("\(address.host):\(address.port) (\(error))")
            }
        }
        throw TopicsCommandError(message: "Could not connect to any bootstrap server: \(failures.joined(separator: ", "))")
    }

    func close() async { await bootstrap.close() }

    /// Metadata v5 for `topics` (nil: all), without auto-creation.
    func metadata(topics: [String]?) async throws -> MetadataResponse {
        try await send(
            MetadataRequest(topics: topics.map { $0.map { .init(name: $0) } }, allowAutoTopicCreation: false),
            version: 5, on: bootstrap)
    }

    /// The topic's configs that are not Kafka's defaults (what kafka-topics.sh prints as `Configs:`).
    func nonDefaultTopicConfigs(_ topic: String) async throws -> [(name: String, value: String)] {
        let response = try await send(
            DescribeConfigsRequest(resources: [.init(resourceType: 2, resourceName: topic, configurationKeys: nil)]),
            version: 1, on: bootstrap)
        guard let result = response.results.first, result.errorCode == 0 else { return [] }
        return result.configs.filter { $0.configSource != 5 }.map { ($0.name, $0.value ?? "") }.sorted { $0.name < $1.name }
    }

    /// Sends `request` to the active controller, retrying (up to ~10 s) while there is none or a
    /// broker answers NOT_CONTROLLER for any topic (`errorCodes` extracts the per-topic codes).
    func sendToController<Request: KafkaRequest>(
        _ request: Request, version: Int16, errorCodes: (Request.Response) -> [Int16]
    ) async throws -> Request.Response {
        var lastProblem = "no controller"
        for attempt in 0..<20 {
            if attempt > 0 { try await Task.sleep(for: .milliseconds(500)) }
            let metadata = try await metadata(topics: [])
            guard metadata.controllerId >= 0,
                let broker = metadata.brokers.first(where: { $0.nodeId == metadata.controllerId })
            else {
                lastProblem = "the cluster has no active controller"
                continue
            }
            let controller: KafkaConnection
            do {
                controller = try await KafkaConnection.connect(
                    host: broker.host, port: Int(broker.port), clientID: "zkafka-topics", timeout: .seconds(10))
            } catch {
                lastProblem = "could not connect to controller \(broker.nodeId) at \(broker.host):\(broker.port) (\(error))"
                continue
            }
            let response: Request.Response
            do {
                response = try await send(request, version: version, on: controller)
            } catch {
                await controller.close()
                throw error
            }
            await controller.close()
            if errorCodes(response).contains(KafkaErrorCode.notController.rawValue) {
                lastProblem = "broker \(broker.nodeId) is no longer the controller"
                continue
            }
            return response
        }
        throw TopicsCommandError(message: "Could not reach the active controller: \(lastProblem)")
    }

    /// Sends one request, bounded by `requestTimeout`; transport failures become ``TopicsCommandError``.
    private func send<Request: KafkaRequest>(
        _ request: Request, version: Int16, on connection: KafkaConnection
    ) async throws -> Request.Response {
        let timeout = requestTimeout
        do {
            return try await withThrowingTaskGroup(of: Request.Response?.self) { group in
                group.addTask { try await connection.send(request, version: version) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let response = first else {
                    throw TopicsCommandError(
                        message: "No response from broker \(connection.host):\(connection.port) within \(timeout)")
                }
                return response
            }
        } catch let error as TopicsCommandError {
            throw error
        } catch {
            throw TopicsCommandError(
                message: "Request \(Request.apiKey.rawValue) to \(connection.host):\(connection.port) failed: \(error)")
        }
    }

    static func require<T>(_ value: T?, _ problem: String) throws -> T {
        guard let value else { throw TopicsCommandError(message: problem) }
        return value
    }

    /// The broker's error message, or a sentence naming the error when it sent none.
    static func explain(_ code: KafkaErrorCode, message: String?, topic: String) -> String {
        if let message, !message.isEmpty { return message }
        return switch code {
        case .topicAlreadyExists: "Topic '\(topic)' already exists."
        case .unknownTopicOrPartition: "Topic '\(topic)' does not exist."
        case .invalidTopicException: "Topic name '\(topic)' is invalid."
        case .invalidPartitions: "Invalid number of partitions."
        case .invalidReplicationFactor: "Invalid replication factor."
        case .invalidReplicaAssignment: "Invalid replica assignment."
        case .invalidConfig: "Invalid topic config."
        case .topicDeletionDisabled: "Topic deletion is disabled (delete.topic.enable=false)."
        case .requestTimedOut: "The request timed out."
        case .notController: "The broker is not the controller."
        default: "Kafka error code \(code.rawValue)."
        }
    }
}
