import Foundation
import KafkaTestKit
import Testing

/// Partition reassignment through the legacy `/admin/reassign_partitions` znode (Kafka 2.8's
/// `onPartitionReassignment`). Without a data plane no follower ever joins an ISR, so the targets here are
/// already in the ISR: a reordering and a replica removal, which complete at once; a reassignment adding a
/// replica stays pending with AR/RR recorded in the topic znode.
@Suite(.cluster, .serialized, .timeLimit(.minutes(4)))
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

        try ClusterZooKeeperScripts.eventually("the reassignment znode is removed") {
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

    @Test func addingReplicaNotInISR_staysPending_withAddingAndRemovingRecorded() throws {
        let topic = "growing"
        try ClusterZooKeeperScripts.createTopic(topic, partitions: [0: [1, 2]])
        try ClusterZooKeeperScripts.waitForMetadata(topic: topic) { $0.count == 1 && $0[0].leader == 1 }
        try reassign([(topic, 0, [2, 3])])

        try ClusterZooKeeperScripts.eventually("the topic znode records the reassignment in flight") {
            let node = try ClusterZooKeeperScripts.json("/brokers/topics/\(topic)")
            return node?["partitions"] as? [String: [Int]] == ["0": [2, 3, 1]]
                && node?["adding_replicas"] as? [String: [Int]] == ["0": [3]]
                && node?["removing_replicas"] as? [String: [Int]] == ["0": [1]]
        }
        // Broker 3 never joins the ISR without a data plane: the request stays until it does.
        #expect(try ClusterZooKeeperScripts.existing(["/admin/reassign_partitions"]) == ["/admin/reassign_partitions"])
        // Leave the cluster clean for the next test.
        try ClusterZooKeeperScripts.kazoo("zk.delete('/admin/reassign_partitions')", [])
    }
}
