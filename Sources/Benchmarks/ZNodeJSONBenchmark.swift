import Foundation
import KafkaModel
import KafkaZooKeeperData

/// KafkaZooKeeperData's hand-written JSON parser and writer against Foundation's `JSONDecoder`/`JSONEncoder`
/// (Codable) and `JSONSerialization`, on the znode payloads the controller reads in bulk at controller failover:
/// `/brokers/topics/<t>/partitions/<p>/state` (one per partition: 100,000 reads at 100,000 partitions) and
/// `/brokers/topics/<t>` (one per topic, here 1,000 partitions at RF 3). Decoding goes all the way to the model
/// value (`LeaderISRAndControllerEpoch`, `TopicZNode`) with the same validation, so the rows compare what the
/// controller would pay. For `zkafka bench json`.
public enum ZNodeJSONBenchmark {
    public struct Row: Sendable {
        public var payload: String
        public var implementation: String
        public var operations: Int
        public var seconds: Double

        public var operationsPerSecond: Double { Double(operations) / seconds }
        public var microsecondsPerOperation: Double { seconds / Double(operations) * 1e6 }
    }

    /// The partition-state znode Kafka 2.8 writes.
    struct PartitionStateJSON: Codable {
        var controller_epoch: Int32
        var leader: Int32
        var version: Int32
        var leader_epoch: Int32
        var isr: [Int32]
    }

    /// The topic znode (version 3).
    struct TopicJSON: Codable {
        var version: Int32
        var topic_id: String?
        var partitions: [String: [Int32]]
        var adding_replicas: [String: [Int32]]?
        var removing_replicas: [String: [Int32]]?
    }

    struct DecodingFailure: Error {}

    /// Runs every payload × implementation for about `secondsPerRow` each.
    public static func run(secondsPerRow: Double = 0.5) throws -> [Row] {
        let partition = TopicPartition(topic: "bench-topic", partition: 7)
        let state = LeaderISRAndControllerEpoch(
            leaderAndISR: LeaderAndISR(leader: 2, leaderEpoch: 41, isr: [2, 3, 1], zkVersion: 5), controllerEpoch: 9)
        let stateBytes = TopicPartitionStateZNode.encode(state)
        var assignment: [Int32: ReplicaAssignment] = [:]
        for p in Int32(0)..<1_000 { assignment[p] = ReplicaAssignment(replicas: [p % 3 + 1, (p + 1) % 3 + 1, (p + 2) % 3 + 1]) }
        let topic = TopicZNode(topic: "bench-topic", topicID: "AAAAAAAAAAAAAAAAAAAAAA", partitions: assignment)
        let topicBytes = topic.encode()
        let stateData = Data(stateBytes)
        let topicData = Data(topicBytes)
        let decoder = JSONDecoder()
        let encoder = JSONEncoder()

        var rows: [Row] = []
        func measure(_ payload: String, _ implementation: String, _ body: () throws -> Void) rethrows {
            let clock = ContinuousClock()
            var operations = 0
            let start = clock.now
            var elapsed = Duration.zero
            repeat {
                for _ in 0..<64 { try body() }
                operations += 64
                elapsed = clock.now - start
            } while elapsed < .seconds(secondsPerRow)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            rows.append(Row(payload: payload, implementation: implementation, operations: operations, seconds: seconds))
        }

        let statePayload = "partition state (\(stateBytes.count) B)"
        try measure(statePayload, "hand-written decode") {
            _ = try TopicPartitionStateZNode.decode(partition, data: stateBytes, zkVersion: 5)
        }
        try measure(statePayload, "JSONDecoder (Codable) decode") {
            let json = try decoder.decode(PartitionStateJSON.self, from: stateData)
            _ = LeaderISRAndControllerEpoch(
                leaderAndISR: LeaderAndISR(leader: json.leader, leaderEpoch: json.leader_epoch, isr: json.isr, zkVersion: 5),
                controllerEpoch: json.controller_epoch)
        }
        try measure(statePayload, "JSONSerialization decode") {
            guard let object = try JSONSerialization.jsonObject(with: stateData) as? [String: Any],
                let leader = object["leader"] as? Int, let epoch = object["leader_epoch"] as? Int,
                let controllerEpoch = object["controller_epoch"] as? Int, let isr = object["isr"] as? [Int]
            else { throw DecodingFailure() }
            _ = LeaderISRAndControllerEpoch(
                leaderAndISR: LeaderAndISR(
                    leader: Int32(leader), leaderEpoch: Int32(epoch), isr: isr.map { Int32($0) }, zkVersion: 5),
                controllerEpoch: Int32(controllerEpoch))
        }
        measure(statePayload, "hand-written encode") { _ = TopicPartitionStateZNode.encode(state) }
        try measure(statePayload, "JSONEncoder (Codable) encode") {
            let leaderAndISR = state.leaderAndISR
            _ = try encoder.encode(
                PartitionStateJSON(
                    controller_epoch: state.controllerEpoch, leader: leaderAndISR.leader, version: 1,
                    leader_epoch: leaderAndISR.leaderEpoch, isr: leaderAndISR.isr))
        }

        let topicPayload = "topic, 1,000 partitions RF 3 (\(topicBytes.count) B)"
        try measure(topicPayload, "hand-written decode") { _ = try TopicZNode.decode(topic: "bench-topic", data: topicBytes) }
        try measure(topicPayload, "JSONDecoder (Codable) decode") {
            let json = try decoder.decode(TopicJSON.self, from: topicData)
            var partitions: [Int32: ReplicaAssignment] = [:]
            for (key, replicas) in json.partitions {
                guard let id = Int32(key), id >= 0 else { throw DecodingFailure() }
                partitions[id] = ReplicaAssignment(
                    replicas: replicas, addingReplicas: json.adding_replicas?[key] ?? [],
                    removingReplicas: json.removing_replicas?[key] ?? [])
            }
            _ = TopicZNode(topic: "bench-topic", topicID: json.topic_id, partitions: partitions)
        }
        measure(topicPayload, "hand-written encode") { _ = topic.encode() }
        try measure(topicPayload, "JSONEncoder (Codable) encode") {
            _ = try encoder.encode(
                TopicJSON(
                    version: 3, topic_id: topic.topicID,
                    partitions: Dictionary(uniqueKeysWithValues: topic.partitions.map { (String($0.key), $0.value.replicas) }),
                    adding_replicas: [:], removing_replicas: [:]))
        }
        return rows
    }
}
