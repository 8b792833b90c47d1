import Foundation
import KafkaTestKit
import Testing

/// Kafka's automatic preferred-leader rebalance (`auto.leader.rebalance.enable`,
/// `leader.imbalance.check.interval.seconds`, `leader.imbalance.per.broker.percentage`): once a
/// broker that lost its leaderships is back in the ISRs, the controller's periodic check moves them
/// back with no `/admin/preferred_replica_election` request.
@Suite(
    .tags(.cluster), .requiresZooKeeper,
    .cluster(brokerOverrides: [
        "auto.leader.rebalance.enable": "true",
        "leader.imbalance.check.interval.seconds": "2",
        "leader.imbalance.per.broker.percentage": "0",
    ]),
    .serialized, .timeLimit(.minutes(4)))
struct AutoLeaderRebalanceTests {
    @Test func restartedBroker_getsItsPreferredLeadershipsBack_withoutAnElectionRequest() throws {
        let cluster = try RunningCluster.current
        let topic = "rebalanced"
        try ClusterZooKeeperScripts.createTopic(topic, partitions: [0: [1, 2, 3], 1: [2, 3, 1], 2: [3, 1, 2]])
        try ClusterZooKeeperScripts.waitForMetadata(topic: topic) { partitions in
            partitions.count == 3 && partitions.allSatisfy { $0.leader == $0.replicas.first && $0.isr.count == 3 }
        }
        // A broker that is not the controller, so the election is not also a failover.
        let controller = try #require(try ClusterZooKeeperScripts.json("/controller")?["brokerid"] as? Int)
        let victim = controller == 1 ? 2 : 1
        let preferred = victim - 1  // the partition whose first replica is the victim
        func state() throws -> (leader: Int, isr: [Int]) {
            let node = try #require(try ClusterZooKeeperScripts.json("/brokers/topics/\(topic)/partitions/\(preferred)/state"))
            return (node["leader"] as? Int ?? -1, node["isr"] as? [Int] ?? [])
        }

        try cluster.cluster.kill(.broker(victim), signal: .kill)
        try pollUntilBlocking("partition \(preferred) gets a new leader", timeout: .seconds(60)) {
            let current = try state()
            return current.leader != victim && current.leader >= 0 && !current.isr.contains(victim)
        }
        try cluster.cluster.start(.broker(victim))
        // Its leader lets the restarted replica back into the ISR; then the periodic imbalance check
        // (every 2 s here) elects the preferred replica again.
        try pollUntilBlocking("broker \(victim) leads partition \(preferred) again", timeout: .seconds(90)) {
            try state().leader == victim
        }
        #expect(try state().isr.contains(victim))
        // Nobody asked for it: the automatic check did it.
        #expect(try ClusterZooKeeperScripts.existing(["/admin/preferred_replica_election"]).isEmpty)
        let trace = try String(
            contentsOfFile: cluster.descriptor.brokers.first { $0.id == controller }!.logDir + "/controller-trace.jsonl", encoding: .utf8)
        #expect(trace.contains("AutoPreferredReplicaLeaderElection"))
        try ClusterZooKeeperScripts.waitForMetadata(topic: topic) { partitions in
            partitions.count == 3 && partitions[preferred].leader == victim
        }
    }
}
