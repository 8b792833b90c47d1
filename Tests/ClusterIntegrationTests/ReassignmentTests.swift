import Foundation
import KafkaTestKit
import Testing

/// Partition reassignment through the legacy `/admin/reassign_partitions` znode (Kafka 2.8's
/// `onPartitionReassignment`): a reordering and a replica removal complete at once; a reassignment adding
/// a replica completes once the new replica has copied the log and joined the ISR.
///
/// Automatic leader rebalance is off: Kafka's controller runs its first imbalance check 5 s after it takes
/// over, and a reordering done before then makes the new first replica preferred, so that check would move
/// the leadership the test expects to stay put (the test then depended on how fast the cluster started).
@Suite(
    .tags(.cluster), .requiresZooKeeper, .cluster(brokerOverrides: ["auto.leader.rebalance.enable": "false"]), .serialized,
    .timeLimit(.minutes(4)))
struct ReassignmentTests {
    private func reassign(_ entries: [(topic: String, partition: Int, replicas: [Int])]) throws {
        let partitions = entries.map {
            "{\"topic\": \"\($0.topic)\", \"partition\": \($0.partition), \"replicas\": [\($0.replicas.map(String.init).joined(separator: ","))]}"
        }.joined(separator: ", ")
        try ClusterZooKeeperScripts.create(["/admin/reassign_partitions"], data: "{\"version\": 1, \"partitions\": [\(partitions)]}")
    }

    private func assignment(_ topic: String) throws -> [String: [Int]] {
        let node = try #require(try ClusterZooKeeperScripts.json("/brokers/topics/\(topic)"))
        return (node["partitions"] as? [String: [Int]]) ?? [:]
    }

    @Test func removeAndReorderReplicas_completes_topicZNodeAndMetadataShowTargets() throws {
        let topic = "moving"
        try ClusterZooKeeperScripts.createTopic(topic, partitions: [0: [1, 2, 3], 1: [1, 2, 3]])
        try ClusterZooKeeperScripts.waitForMetadata(topic: topic) { $0.count == 2 && $0.allSatisfy { $0.leader == 1 && $0.isr.count == 3 } }

        // p0 drops broker 1 (its leader: a reassign election moves leadership to 2); p1 is reordered.
        try reassign([(topic, 0, [2, 3]), (topic, 1, [3, 1, 2])])

        try pollUntilBlocking("the reassignment znode is removed", timeout: .seconds(60)) {
            try ClusterZooKeeperScripts.existing(["/admin/reassign_partitions"]).isEmpty
        }
        let node = try #require(try ClusterZooKeeperScripts.json("/brokers/topics/\(topic)"))
        #expect(node["partitions"] as? [String: [Int]] == ["0": [2, 3], "1": [3, 1, 2]])
        #expect((node["adding_replicas"] as? [String: [Int]] ?? [:]).isEmpty)
        #expect((node["removing_replicas"] as? [String: [Int]] ?? [:]).isEmpty)
        let state = try #require(try ClusterZooKeeperScripts.json("/brokers/topics/\(topic)/partitions/0/state"))
        #expect(state["leader"] as? Int == 2)
        #expect(Set(state["isr"] as? [Int] ?? []) == [2, 3])
        try ClusterZooKeeperScripts.waitForMetadata(topic: topic) { partitions in
            partitions.count == 2 && partitions[0].replicas == [2, 3] && partitions[0].leader == 2
                && Set(partitions[0].isr) == [2, 3] && partitions[1].replicas == [3, 1, 2] && partitions[1].leader == 1
        }
    }

    @Test func addingReplica_copiesTheLog_joinsTheISR_andCompletes() throws {
        let topic = "growing"
        try ClusterZooKeeperScripts.createTopic(topic, partitions: [0: [1, 2]])
        try ClusterZooKeeperScripts.waitForMetadata(topic: topic) { $0.count == 1 && $0[0].leader == 1 && $0[0].isr.count == 2 }
        let cluster = try RunningCluster.current
        // Records for the new replica to copy before it can join the ISR.
        let produce = try Command.run(
            ["/bin/sh", "-c", "seq 1 2000 | /usr/bin/kcat -P -b \(cluster.bootstrapServers) -t \(topic) -p 0 -X acks=all"],
            timeout: .seconds(60))
        #expect(produce.status == 0, "kcat produce failed: \(produce.standardError)")

        try reassign([(topic, 0, [2, 3])])

        // Kafka's phases: AR = [2, 3, 1] with adding [3] / removing [1] until 3 is in the ISR, then the
        // target alone, leadership moved off the removed replica, and the request znode deleted.
        try pollUntilBlocking("the reassignment completes", timeout: .seconds(60)) {
            try ClusterZooKeeperScripts.existing(["/admin/reassign_partitions"]).isEmpty
        }
        let node = try #require(try ClusterZooKeeperScripts.json("/brokers/topics/\(topic)"))
        #expect(node["partitions"] as? [String: [Int]] == ["0": [2, 3]])
        #expect((node["adding_replicas"] as? [String: [Int]] ?? [:]).isEmpty)
        #expect((node["removing_replicas"] as? [String: [Int]] ?? [:]).isEmpty)
        let state = try #require(try ClusterZooKeeperScripts.json("/brokers/topics/\(topic)/partitions/0/state"))
        #expect(state["leader"] as? Int == 2)
        #expect(Set(state["isr"] as? [Int] ?? []) == [2, 3])
        // Every record is still there under the new leader, once metadata and its high watermark caught up
        // (a new leader's high watermark trails by one fetch round, as in Kafka).
        try pollUntilBlocking("all 2,000 records are readable from the new replica set", timeout: .seconds(60)) {
            let consumed = try Command.run(
                ["/usr/bin/kcat", "-C", "-b", cluster.bootstrapServers, "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q"],
                timeout: .seconds(60))
            let count = consumed.standardOutput.split(separator: "\n").count
            if count != 2000 {
                // Printed so a failure shows what the consumer saw on each attempt, and the partition's
                // end offset (high watermark) and state as the brokers and ZooKeeper report them.
                let latest = try Command.run(
                    ["/usr/bin/kcat", "-Q", "-b", cluster.bootstrapServers, "-t", "\(topic):0:-1"], timeout: .seconds(30))
                let state = try ClusterZooKeeperScripts.json("/brokers/topics/\(topic)/partitions/0/state") ?? [:]
                FileHandle.standardError.write(Data(
                    "growing-0: consumed \(count) of 2000; kcat stderr: \(consumed.standardError.suffix(300)); latest: \(latest.standardOutput)\(latest.standardError.suffix(200)); state: \(state)\n".utf8))
            }
            return count == 2000
        }
        let logOnNewReplica = cluster.descriptor.brokers.first { $0.id == 3 }!.logDir + "/\(topic)-0"
        #expect(FileManager.default.fileExists(atPath: logOnNewReplica))
        // The removed replica got StopReplica with delete: its log directory goes.
        let logOnRemovedReplica = cluster.descriptor.brokers.first { $0.id == 1 }!.logDir + "/\(topic)-0"
        try pollUntilBlocking("broker 1 deletes its replica's log", timeout: .seconds(60)) {
            !FileManager.default.fileExists(atPath: logOnRemovedReplica)
        }
    }
}
