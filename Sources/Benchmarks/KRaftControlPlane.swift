import Foundation
import KafkaClient
import KafkaModel
import KafkaProtocol
import LocalCluster

/// KRaft mode's side of the controller scenarios: CreateTopics through a broker (forwarded to the
/// active controller, as in Kafka 3.3), the Raft leader as the active controller (each controller's
/// own view, from `LocalCluster.status()`), fencing seen as the broker leaving live brokers' metadata.
struct KRaftControlPlane: ControlPlane {
    let cluster: LocalCluster

    var mode: ClusterMode { .kraft }
    var controllerIsBroker: Bool { false }

    /// Topics per CreateTopics request: big enough to be quick, small enough for one record batch each.
    static let topicsPerRequest = 20

    func createTopics(_ topics: [(topic: String, partitions: [Int32: ReplicaAssignment])], through brokers: [BrokerMetadataProbe.Broker]) async throws {
        guard let broker = brokers.first else { throw BenchmarkError("no running broker to send CreateTopics to") }
        let connection = try await KafkaConnection.connect(
            host: broker.host, port: broker.port, clientID: "zkafka-bench-controller", timeout: .seconds(10))
        defer { Task { await connection.close() } }
        var start = 0
        while start < topics.count {
            let chunk = topics[start..<min(topics.count, start + Self.topicsPerRequest)]
            start += chunk.count
            let request = CreateTopicsRequest(
                topics: chunk.map { topic in
                    CreateTopicsRequest.CreatableTopic(
                        name: topic.topic, numPartitions: -1, replicationFactor: -1,
                        assignments: topic.partitions.keys.sorted().map { partition in
                            .init(partitionIndex: partition, brokerIds: topic.partitions[partition]!.replicas.map { Int32($0) })
                        })
                },
                timeoutMs: 120_000)
            let response = try await connection.send(request, version: 4, timeout: .seconds(150))
            // TOPIC_ALREADY_EXISTS (36) on a fresh cluster means a forwarded attempt that timed out on the broker
            // was committed and the broker's retry found it: the topic exists with this assignment.
            if let failed = response.topics.first(where: { $0.errorCode != 0 && $0.errorCode != 36 }) {
                throw BenchmarkError("CreateTopics \(failed.name): error \(failed.errorCode) \(failed.errorMessage ?? "")")
            }
        }
    }

    func activeController(timeout: Duration) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let id = try cluster.status().activeControllerID { return id }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchmarkError("no controller leads the quorum within \(timeout)")
    }

    func member(ofController id: Int) -> ClusterMember { .controller(id) }

    /// The broker is fenced once its session (`broker.session.timeout.ms`, 9 s) expires; Kafka 3.3's
    /// brokers leave fenced brokers out of Metadata, so the first survivor answering without it marks detection.
    func waitForBrokerDetection(_ broker: BrokerID, survivors: [BrokerMetadataProbe.Broker], timeout: Duration) async throws -> Int64 {
        guard let survivor = survivors.first else { throw BenchmarkError("no surviving broker to watch") }
        return try await BrokerMetadataProbe(interval: .milliseconds(10)).waitUntil(
            [survivor], timeout: timeout, what: "broker \(broker) fenced (gone from the live brokers)"
        ) { answer in !answer.brokers.contains { $0.nodeId == broker } }
    }

    /// Polls every controller's own view every 10 ms. Detection: the first surviving voter that no longer
    /// follows `old` in its epoch (its fetch timed out: candidate, or it voted, in a newer epoch); elected:
    /// a controller other than `old` leads the newest epoch.
    func waitForNewController(replacing old: Int, timeout: Duration) async throws -> (detectedAt: Int64, electedAt: Int64, id: Int) {
        let deadline = ContinuousClock.now + timeout
        // Called right after the kill: the survivors still report the epoch `old` led (noticing takes the fetch timeout).
        let before = try cluster.status().controllers.filter { $0.id != old }.compactMap(\.quorum.epoch).max() ?? 0
        var detectedAt: Int64?
        while ContinuousClock.now < deadline {
            let status = try cluster.status()
            let now = WallClock.nowMs()
            let survivors = status.controllers.filter { $0.id != old && $0.quorum != .down && $0.quorum != .paused }
            if detectedAt == nil, survivors.contains(where: { ($0.quorum.epoch ?? 0) > before || $0.quorum.role != "follower" }) {
                detectedAt = now
            }
            if let leader = status.activeControllerID, leader != old {
                return (detectedAt ?? now, now, leader)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw BenchmarkError("no controller other than \(old) leads the quorum within \(timeout)")
    }

    func tracePath(ofController id: Int) throws -> String? {
        try cluster.descriptor().controllers.first { $0.id == id }.map { $0.logDir + "/controller-trace.jsonl" }
    }

    func logTiming(_ marker: String, ofController id: Int, logOffsets: [Int: Int]) throws -> Int? { nil }

    func measureFailoverBound(partitions: [TopicPartition]) async throws -> FailoverEnsembleBound? { nil }

    func failoverWrites(ofController id: Int, logOffsets: [Int: Int]) throws -> Int? { nil }

    /// A KRaft broker answers Metadata with a random live broker as the controller (clients cannot reach
    /// controllers), so the answer cannot name the new one: live leaders everywhere is the test.
    func metadataIsCurrent(controllerID answered: Int32, newController: Int) -> Bool { true }

    func controllerProcesses() throws -> [(id: Int, pid: Int32)] {
        try cluster.descriptor().controllers.compactMap { controller in controller.pid.map { (controller.id, $0) } }
    }

    func close() async {}
}
