import KafkaClient
import KafkaProtocol

/// Creates the benchmark's topics with CreateTopics v4 sent to the active controller (as Kafka's
/// admin client and `zkafka topics --create` do), then waits until every partition has a leader
/// the brokers' metadata agrees on.
enum BenchmarkTopics {
    static func create(
        _ name: String, partitions: Int32, replicationFactor: Int16, configs: [String: String],
        metadata: ClusterMetadataClient
    ) async throws {
        var lastProblem = "no controller"
        for attempt in 0..<40 {
            if attempt > 0 { try await Task.sleep(for: .milliseconds(250)) }
            let cluster = try await metadata.refresh()
            guard cluster.controllerID >= 0 else { continue }
            let request = CreateTopicsRequest(
                topics: [
                    .init(
                        name: name, numPartitions: partitions, replicationFactor: replicationFactor,
                        configs: configs.sorted { $0.key < $1.key }.map { .init(name: $0.key, value: $0.value) })
                ], timeoutMs: 30_000)
            let response = try await metadata.send(request, version: 4, toBroker: cluster.controllerID)
            let code = KafkaErrorCode(rawValue: response.topics.first?.errorCode ?? -1)
            if code == .none || code == .topicAlreadyExists { break }
            lastProblem = "\(code.kafkaName): \(response.topics.first?.errorMessage ?? "")"
            guard code == .notController || code.isRetriable else {
                throw BenchmarkFailure("CreateTopics \(name) failed: \(lastProblem)")
            }
            if attempt == 39 { throw BenchmarkFailure("CreateTopics \(name) failed: \(lastProblem)") }
        }
        for partition in 0..<partitions {
            _ = try await metadata.leader(topic: name, partition: partition)
        }
    }
}
