import Foundation
import KafkaClient
import KafkaProtocol

/// Watches what brokers' metadata caches say: each broker is asked for Metadata (v5, every topic)
/// over and over until its answer satisfies a condition. The time a condition holds on *every*
/// broker is the latest of the per-broker times.
///
/// A full Metadata answer at 100,000 partitions is several megabytes that the broker encodes on
/// the same two cores as everything else, so each broker has one request in flight at a time and
/// the probe pauses `interval` between requests; the precision of a figure is about one answer's
/// round trip plus `interval`.
struct BrokerMetadataProbe: Sendable {
    struct Broker: Sendable {
        var id: Int32
        var host: String
        var port: Int
    }

    var interval: Duration = .milliseconds(20)

    /// One Metadata answer from `broker`, on a fresh connection.
    func metadata(_ broker: Broker) async throws -> MetadataResponse {
        let connection = try await KafkaConnection.connect(
            host: broker.host, port: broker.port, clientID: "zkafka-bench-controller", timeout: .seconds(10))
        defer { Task { await connection.close() } }
        return try await connection.send(
            MetadataRequest(topics: nil, allowAutoTopicCreation: false), version: 5)
    }

    /// Waits until `condition` holds for each broker's answer; returns the wall-clock milliseconds at
    /// which the last broker's answer satisfied it. Throws if `timeout` passes first, naming the
    /// brokers still waiting and what the last answer lacked.
    ///
    /// - Parameter topics: the topics to ask for; nil (the default) asks for every topic.
    func waitUntil(
        _ brokers: [Broker], topics: [String]? = nil, timeout: Duration, what: String,
        _ condition: @escaping @Sendable (MetadataResponse) -> Bool
    ) async throws -> Int64 {
        let requestTopics = topics.map { $0.map { MetadataRequest.MetadataRequestTopic(name: $0) } }
        let interval = interval
        let deadline = ContinuousClock.now + timeout
        let times = try await withThrowingTaskGroup(of: Int64.self) { group in
            for broker in brokers {
                group.addTask {
                    var connection: KafkaConnection?
                    defer { if let connection { Task { await connection.close() } } }
                    var lastProblem = "no answer yet"
                    while ContinuousClock.now < deadline {
                        do {
                            if connection == nil || connection?.isActive == false {
                                connection = try await KafkaConnection.connect(
                                    host: broker.host, port: broker.port, clientID: "zkafka-bench-controller",
                                    timeout: .seconds(5))
                            }
                            let askedAt = ContinuousClock.now
                            let answer = try await connection!.send(
                                MetadataRequest(topics: requestTopics, allowAutoTopicCreation: false), version: 5)
                            let answeredAt = WallClock.nowMs()
                            if condition(answer) { return answeredAt }
                            lastProblem = "answer does not satisfy it yet"
                            // At most about half of a broker's time goes to answering the probe.
                            try await Task.sleep(for: max(interval, ContinuousClock.now - askedAt) - interval)
                        } catch {
                            connection = nil
                            lastProblem = "\(error)"
                        }
                        try await Task.sleep(for: interval)
                    }
                    throw BenchmarkError(
                        "timed out after \(timeout) waiting for broker \(broker.id)'s metadata cache: \(what) (\(lastProblem))")
                }
            }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        return times.max() ?? WallClock.nowMs()
    }
}

extension MetadataResponse {
    /// Partitions of topics whose names start with `prefix`, as (topic, partition, leader, ISR size).
    func benchPartitions(prefix: String) -> [(topic: String, partition: Int32, leader: Int32, isrCount: Int)] {
        var result: [(String, Int32, Int32, Int)] = []
        for topic in topics where topic.name.hasPrefix(prefix) && topic.errorCode == 0 {
            for partition in topic.partitions {
                result.append((topic.name, partition.partitionIndex, partition.leaderId, partition.isrNodes.count))
            }
        }
        return result
    }
}
