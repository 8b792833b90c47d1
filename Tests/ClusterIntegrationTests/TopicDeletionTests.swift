import Foundation
import KafkaTestKit
import Testing

/// Topic deletion end to end (Kafka 2.8's `TopicDeletionManager`): a topic written straight into
/// `/brokers/topics` with kazoo, then marked with `/admin/delete_topics/<t>`; the controller makes every
/// broker forget it (UpdateMetadata with leader -2, StopReplica delete, which removes the partition
/// directories) and deletes its znodes.
@Suite(.tags(.cluster), .requiresZooKeeper, .cluster, .serialized, .timeLimit(.minutes(4)))
struct TopicDeletionTests {
    @Test func deleteTopicsZNode_removesZNodesDirectoriesAndMetadataEverywhere() throws {
        let cluster = try RunningCluster.current
        let topic = "doomed"
        try ClusterZooKeeperScripts.createTopic(topic, partitions: [0: [1, 2, 3], 1: [2, 3, 1]])
        try ClusterZooKeeperScripts.waitForMetadata(topic: topic) { $0.count == 2 && $0.allSatisfy { $0.leader > 0 } }
        // Stand-ins for the partition logs the data plane will write: StopReplica(delete) must remove them.
        for broker in cluster.descriptor.brokers {
            for partition in 0...1 {
                try FileManager.default.createDirectory(
                    atPath: "\(broker.logDir)/\(topic)-\(partition)", withIntermediateDirectories: true)
            }
        }

        try ClusterZooKeeperScripts.create(["/admin/delete_topics/\(topic)"])

        let paths = ["/brokers/topics/\(topic)", "/admin/delete_topics/\(topic)", "/config/topics/\(topic)"]
        try pollUntilBlocking("the topic's znodes are deleted", timeout: .seconds(60)) {
            try ClusterZooKeeperScripts.existing(paths).isEmpty
        }
        try ClusterZooKeeperScripts.waitForMetadata(topic: topic) { $0.isEmpty }
        try pollUntilBlocking("the partition directories are removed", timeout: .seconds(60)) {
            cluster.descriptor.brokers.allSatisfy { broker in
                (0...1).allSatisfy { !FileManager.default.fileExists(atPath: "\(broker.logDir)/\(topic)-\($0)") }
            }
        }
    }

    @Test func deleteTopicsZNode_forUnknownTopic_isRemoved() throws {
        try ClusterZooKeeperScripts.create(["/admin/delete_topics/never-existed"])
        try pollUntilBlocking("the request for an unknown topic is dropped", timeout: .seconds(60)) {
            try ClusterZooKeeperScripts.existing(["/admin/delete_topics/never-existed"]).isEmpty
        }
    }

    @Test func recreatedAfterDeletion_isServedAgain() throws {
        let topic = "phoenix"
        try ClusterZooKeeperScripts.createTopic(topic, partitions: [0: [3, 1]])
        try ClusterZooKeeperScripts.waitForMetadata(topic: topic) { $0.count == 1 && $0[0].leader == 3 }
        try ClusterZooKeeperScripts.create(["/admin/delete_topics/\(topic)"])
        try pollUntilBlocking("the topic znode is deleted", timeout: .seconds(60)) {
            try ClusterZooKeeperScripts.existing(["/brokers/topics/\(topic)", "/admin/delete_topics/\(topic)"]).isEmpty
        }
        try ClusterZooKeeperScripts.waitForMetadata(topic: topic) { $0.isEmpty }
        try ClusterZooKeeperScripts.createTopic(topic, partitions: [0: [2, 3]])
        try ClusterZooKeeperScripts.waitForMetadata(topic: topic) { $0.count == 1 && $0[0].leader == 2 && $0[0].replicas == [2, 3] }
    }

    /// A replica on a stopped broker halts the deletion (ReplicaDeletionIneligible); the halt survives a
    /// controller failover (the new controller reads `/admin/delete_topics`); the deletion completes once the
    /// brokers are back.
    @Test func replicaOffline_haltsDeletion_acrossFailover_untilTheBrokerReturns() throws {
        let cluster = try RunningCluster.current
        let topic = "stubborn"
        try ClusterZooKeeperScripts.createTopic(topic, partitions: [0: [1, 2, 3]])
        try ClusterZooKeeperScripts.waitForMetadata(topic: topic) { $0.count == 1 && $0[0].isr.count == 3 }
        let controller = try #require(try ClusterZooKeeperScripts.json("/controller")?["brokerid"] as? Int)
        let victim = controller == 3 ? 2 : 3
        let survivor = Set([1, 2, 3]).subtracting([controller, victim]).first!
        try cluster.cluster.kill(.broker(victim), signal: .term)
        defer { try? cluster.cluster.start(.broker(victim)) }
        try pollUntilBlocking("broker \(victim) is deregistered", timeout: .seconds(60)) {
            try ClusterZooKeeperScripts.existing(["/brokers/ids/\(victim)"]).isEmpty
        }

        try ClusterZooKeeperScripts.create(["/admin/delete_topics/\(topic)"])
        // Deletion starts (live brokers drop the topic from their metadata) but cannot finish.
        try ClusterZooKeeperScripts.waitForMetadata(topic: topic, brokers: [controller, survivor]) { $0.isEmpty }
        #expect(try ClusterZooKeeperScripts.existing(["/brokers/topics/\(topic)", "/admin/delete_topics/\(topic)"]).count == 2)

        // Fail the controller over to the survivor, which resumes the (still halted) deletion.
        try cluster.cluster.kill(.broker(controller), signal: .term)
        defer { try? cluster.cluster.start(.broker(controller)) }
        try pollUntilBlocking("broker \(survivor) becomes the controller", timeout: .seconds(60)) {
            try ClusterZooKeeperScripts.json("/controller")?["brokerid"] as? Int == survivor
        }
        #expect(try ClusterZooKeeperScripts.existing(["/brokers/topics/\(topic)"]).count == 1)

        try cluster.cluster.start(.broker(victim))
        try cluster.cluster.start(.broker(controller))
        try pollUntilBlocking("the halted deletion completes once the replicas are back", timeout: .seconds(90)) {
            try ClusterZooKeeperScripts.existing(["/brokers/topics/\(topic)", "/admin/delete_topics/\(topic)"]).isEmpty
        }
        try ClusterZooKeeperScripts.waitForMetadata(topic: topic) { $0.isEmpty }
    }
}

/// ZooKeeper writes and reads with kazoo, and metadata polls with kcat, for the controller's admin-znode tests.
enum ClusterZooKeeperScripts {
    struct PartitionView: Sendable {
        var partition: Int
        var leader: Int
        var replicas: [Int]
        var isr: [Int]
    }

    /// Runs a kazoo script against the running cluster's ensemble; it gets `zk` connected and `args`.
    @discardableResult
    static func kazoo(_ body: String, _ arguments: [String]) throws -> String {
        let script = """
            import json, sys
            from kazoo.client import KazooClient
            zk = KazooClient(hosts=sys.argv[1], timeout=15)
            zk.start(timeout=15)
            args = sys.argv[2:]

            """ + body + "\nzk.stop()\n"
        let connect = try RunningCluster.current.descriptor.zookeeper.connect
        let result = try Command.run(["/usr/bin/python3", "-c", script, connect] + arguments, timeout: .seconds(60))
        guard result.status == 0 else { throw ScriptFailure(description: "kazoo script failed: \(result.standardError)") }
        return result.standardOutput
    }

    /// Writes `/brokers/topics/<topic>` (version 2, no topic id) as an admin tool would.
    static func createTopic(_ topic: String, partitions: [Int: [Int]]) throws {
        let assignment = partitions.map { "\"\($0.key)\": [\($0.value.map(String.init).joined(separator: ","))]" }.joined(separator: ", ")
        let json = "{\"version\": 2, \"partitions\": {\(assignment)}, \"adding_replicas\": {}, \"removing_replicas\": {}}"
        try kazoo("zk.create('/brokers/topics/' + args[0], args[1].encode(), makepath=True)", [topic, json])
    }

    /// Creates each path (and its parents) with empty data or the given JSON.
    static func create(_ paths: [String], data: String = "") throws {
        try kazoo("for p in args[1:]:\n    zk.create(p, args[0].encode(), makepath=True)", [data] + paths)
    }

    /// The paths among `paths` that exist.
    static func existing(_ paths: [String]) throws -> [String] {
        let out = try kazoo("print(json.dumps([p for p in args if zk.exists(p)]))", paths)
        return (try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String]) ?? []
    }

    /// The JSON data of a znode, or nil when it does not exist.
    static func json(_ path: String) throws -> [String: Any]? {
        let out = try kazoo("print(json.dumps(json.loads(zk.get(args[0])[0].decode()) if zk.exists(args[0]) else None))", [path])
        return try JSONSerialization.jsonObject(with: Data(out.utf8), options: .fragmentsAllowed) as? [String: Any]
    }

    /// The topic's partitions in one broker's metadata (kcat `-L -J` for all topics, so nothing is
    /// auto-created), sorted by partition.
    static func metadata(broker: Int, topic: String) throws -> [PartitionView] {
        let cluster = try RunningCluster.current
        let result = try Command.run(
            ["/usr/bin/kcat", "-b", cluster.brokerAddress(broker), "-L", "-J", "-m", "10"], timeout: .seconds(30))
        guard result.status == 0,
            let json = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any],
            let topics = json["topics"] as? [[String: Any]]
        else { throw ScriptFailure(description: "kcat failed: \(result.standardError)") }
        guard let entry = topics.first(where: { $0["topic"] as? String == topic }), entry["error"] == nil,
            let partitions = entry["partitions"] as? [[String: Any]]
        else { return [] }
        return partitions.map { p in
            PartitionView(
                partition: p["partition"] as? Int ?? -1, leader: p["leader"] as? Int ?? -1,
                replicas: (p["replicas"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int },
                isr: (p["isrs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int })
        }.sorted { $0.partition < $1.partition }
    }

    /// Waits until the metadata of every broker (or of `brokers`) for `topic` satisfies `condition`.
    static func waitForMetadata(
        topic: String, brokers: [Int]? = nil, within: Duration = .seconds(60), _ condition: @escaping ([PartitionView]) -> Bool
    ) throws {
        let brokers = try brokers ?? RunningCluster.current.descriptor.brokers.map(\.id)
        var last: [Int: [PartitionView]] = [:]
        try pollUntilBlocking("every broker's metadata for \(topic) matches", timeout: within, detail: { "\(last)" }) {
            for broker in brokers { last[broker] = try metadata(broker: broker, topic: topic) }
            return last.values.allSatisfy(condition)
        }
    }

    struct ScriptFailure: Error, CustomStringConvertible {
        var description: String
    }
}
