import Foundation
import KafkaModel
import KafkaZooKeeperData
import LocalCluster
import ZooKeeper

/// ZooKeeper mode's side of the controller scenarios: topic znodes, `/controller`, `/brokers/ids`.
struct ZooKeeperControlPlane: ControlPlane {
    let cluster: LocalCluster
    let kafka: KafkaZooKeeperClient

    var mode: ClusterMode { .zookeeper }
    var controllerIsBroker: Bool { true }

    func createTopics(_ topics: [(topic: String, partitions: [Int32: ReplicaAssignment])], through brokers: [BrokerMetadataProbe.Broker]) async throws {
        if try await kafka.zooKeeper.exists(ZNodePaths.topics) == nil { try await kafka.zooKeeper.createRecursive(ZNodePaths.topics) }
        let zooKeeper = kafka.zooKeeper
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, topic) in topics.enumerated() {
                if index >= 50 { try await group.next() }
                let znode = TopicZNode(topic: topic.topic, topicID: nil, partitions: topic.partitions)
                group.addTask { _ = try await zooKeeper.create(ZNodePaths.topic(znode.topic), data: znode.encode()) }
            }
            try await group.waitForAll()
        }
    }

    func activeController(timeout: Duration) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let id = try await kafka.getControllerID() { return Int(id) }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchmarkError("no controller within \(timeout)")
    }

    func member(ofController id: Int) -> ClusterMember { .broker(id) }

    func waitForBrokerDetection(_ broker: BrokerID, survivors: [BrokerMetadataProbe.Broker], timeout: Duration) async throws -> Int64 {
        try await waitUntilZNode(ZNodePaths.broker(broker), exists: false, timeout: timeout)
    }

    /// Polls `/controller` every 10 ms until a broker other than `old` holds it. Detection is when
    /// it was first seen missing, or the new znode's creation time (ZooKeeper's clock, the same
    /// machine's) if the new controller won between two polls.
    func waitForNewController(replacing old: Int, timeout: Duration) async throws -> (detectedAt: Int64, electedAt: Int64, id: Int) {
        let deadline = ContinuousClock.now + timeout
        var missingSince: Int64?
        while ContinuousClock.now < deadline {
            if let stat = try await kafka.zooKeeper.exists(ZNodePaths.controller) {
                if let id = try? await kafka.getControllerID(), Int(id) != old {
                    return (min(missingSince ?? stat.ctime, stat.ctime), stat.ctime, Int(id))
                }
            } else if missingSince == nil {
                missingSince = WallClock.nowMs()
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw BenchmarkError("no controller other than broker \(old) within \(timeout)")
    }

    /// Polls `path` every 10 ms until it (does not) exist; returns when that was first seen.
    func waitUntilZNode(_ path: String, exists wanted: Bool, timeout: Duration) async throws -> Int64 {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try await kafka.zooKeeper.exists(path) != nil) == wanted { return WallClock.nowMs() }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw BenchmarkError("\(path) still \(wanted ? "missing" : "present") after \(timeout)")
    }

    func tracePath(ofController id: Int) throws -> String? {
        try cluster.descriptor().brokers.first { $0.id == id }.map { $0.logDir + "/controller-trace.jsonl" }
    }

    func logTiming(_ marker: String, ofController id: Int, logOffsets: [Int: Int]) throws -> Int? {
        guard let broker = try cluster.descriptor().brokers.first(where: { $0.id == id }) else { return nil }
        return ControllerBenchmarkRun.contextLoadMs(log: broker.log, from: logOffsets[id] ?? 0, marker: marker)
    }

    func measureFailoverBound(partitions: [TopicPartition]) async throws -> FailoverEnsembleBound? {
        try await FailoverEnsembleBound.measure(zooKeeper: kafka.zooKeeper, partitions: partitions)
    }

    func failoverWrites(ofController id: Int, logOffsets: [Int: Int]) throws -> Int? {
        guard let broker = try cluster.descriptor().brokers.first(where: { $0.id == id }) else { return nil }
        return FailoverEnsembleBound.failoverWrites(log: broker.log, from: logOffsets[id] ?? 0)
    }

    func metadataIsCurrent(controllerID answered: Int32, newController: Int) -> Bool { Int(answered) == newController }

    func controllerProcesses() throws -> [(id: Int, pid: Int32)] { [] }  // the controller is a broker, sampled with them

    func close() async { await kafka.zooKeeper.close() }
}
