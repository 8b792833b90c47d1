import Foundation
import KafkaModel
import KafkaTestKit
import KafkaZooKeeperData
import LocalCluster
import Testing
import ZooKeeper

/// The ISR of a partition shrinks while a follower is paused (SIGSTOP, shorter than its ZooKeeper session, so only
/// the leader's `replica.lag.time.max.ms` notices) and expands once it resumes and catches up. With Kafka 2.8's
/// default `inter.broker.protocol.version` the leader sends both changes to the controller as AlterIsr and
/// writes nothing to ZooKeeper itself; with 2.6 it writes the state znode and `/isr_change_notification`.
enum IsrChangeScenario {
    struct Observed {
        var leader: Int
        var victim: Int
        var controller: Int
        var shrunk: LeaderAndISR
        var expanded: LeaderAndISR
        /// `/isr_change_notification`'s cversion before and after (it grows with every child created or deleted).
        var notificationChildrenVersions: (before: Int32?, after: Int32?)
        /// The leader's log and the controller's trace, from the start of the scenario.
        var leaderLog: String
        var controllerTrace: String
        var tracePath: String
        var traceStart: Int
    }

    static func run(_ cluster: RunningCluster, topic: String) async throws -> Observed {
        try await DataPlane.createTopic(cluster, topic, partitions: 1, replicationFactor: 3)
        return try await withClosing(try await DataPlane.zooKeeper(cluster)) { zooKeeper async throws in
            let initial = try #require(try await DataPlane.partitionState(zooKeeper, topic, 0))
            try #require(initial.isr.count == 3, "the ISR starts full: \(initial)")
            let controller = try ControllerZNode.decode(try await zooKeeper.getData(ZNodePaths.controller).data).brokerID
            let leader = Int(initial.leader)
            // Neither the leader nor the controller: AlterIsr must still reach the controller while it is paused.
            let victim = try #require(cluster.descriptor.brokers.map(\.id).first { $0 != leader && $0 != Int(controller) })
            let leaderLogPath = try #require(cluster.descriptor.brokers.first { $0.id == leader }).log
            let tracePath = try #require(cluster.descriptor.brokers.first { $0.id == Int(controller) }).logDir + "/controller-trace.jsonl"
            let leaderLogStart = Self.size(leaderLogPath), traceStart = Self.size(tracePath)
            let before = try await zooKeeper.exists(ZNodePaths.isrChangeNotification)?.cversion
            let scratch = try DataPlane.scratchDirectory()
            defer { try? FileManager.default.removeItem(atPath: scratch) }

            try cluster.cluster.kill(.broker(victim), signal: .stop)
            var shrunk: LeaderAndISR?
            do {
                // Records keep coming, so the paused follower falls behind the leader's log end (Kafka 2.8 shrinks
                // only replicas that are behind for longer than replica.lag.time.max.ms).
                try await pollUntil("broker \(victim) is still in the ISR: \(String(describing: shrunk))", timeout: .seconds(60)) {
                    try Self.produce(cluster, topic: topic, scratch: scratch)
                    shrunk = try await DataPlane.partitionState(zooKeeper, topic, 0)
                    return shrunk.map { !$0.isr.contains(Int32(victim)) } ?? false
                }
            } catch {
                try? cluster.cluster.kill(.broker(victim), signal: .cont)
                throw error
            }
            try cluster.cluster.kill(.broker(victim), signal: .cont)
            var expanded: LeaderAndISR?
            try await pollUntil("broker \(victim) did not rejoin the ISR: \(String(describing: expanded))", timeout: .seconds(60)) {
                expanded = try await DataPlane.partitionState(zooKeeper, topic, 0)
                return expanded.map { $0.isr.contains(Int32(victim)) } ?? false
            }
            let after = try await zooKeeper.exists(ZNodePaths.isrChangeNotification)?.cversion
            return Observed(
                leader: leader, victim: victim, controller: Int(controller), shrunk: try #require(shrunk),
                expanded: try #require(expanded), notificationChildrenVersions: (before, after),
                leaderLog: Self.text(leaderLogPath, from: leaderLogStart), controllerTrace: Self.text(tracePath, from: traceStart),
                tracePath: tracePath, traceStart: traceStart)
        }
    }

    static func produce(_ cluster: RunningCluster, topic: String, scratch: String) throws {
        let input = scratch + "/records.txt"
        try (0..<50).map { "value-\($0)\n" }.joined().write(toFile: input, atomically: true, encoding: .utf8)
        let result = try Command.run(
            ["/usr/bin/kcat", "-P", "-b", cluster.bootstrapServers, "-t", topic, "-l", input, "-X", "acks=1"], timeout: .seconds(30))
        try #require(result.status == 0, "kcat -P \(topic): \(result.standardError)")
    }

    static func size(_ path: String) -> Int { (try? Data(contentsOf: URL(fileURLWithPath: path)).count) ?? 0 }

    static func text(_ path: String, from offset: Int) -> String {
        String(decoding: ((try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()).dropFirst(offset), as: UTF8.self)
    }
}

@Suite(
    .tags(.cluster), .requiresZooKeeper, .cluster(brokerOverrides: ["replica.lag.time.max.ms": "3000"]), .serialized,
    .timeLimit(.minutes(5)))
struct AlterIsrTests {
    @Test func pausedFollower_leavesAndRejoinsTheIsr_throughAlterIsr() async throws {
        let observed = try await IsrChangeScenario.run(try RunningCluster.current, topic: "alter-isr")
        #expect(observed.shrunk.leader == Int32(observed.leader) && observed.shrunk.isr.count == 2)
        #expect(observed.expanded.isr.count == 3)
        // The controller wrote both: each a version later, and the leader epoch unchanged (an ISR change, not an election).
        #expect(observed.expanded.zkVersion > observed.shrunk.zkVersion)
        #expect(observed.expanded.leaderEpoch == observed.shrunk.leaderEpoch)
        #expect(observed.leaderLog.contains("AlterIsr with 1 ISR changes answered by controller \(observed.controller): 1 applied"),
                "\(observed.leaderLog.suffix(3000))")
        #expect(observed.controllerTrace.contains("\"type\":\"AlterIsrReceived\""))
        #expect(observed.controllerTrace.contains("\"kind\":\"isr\""))
        // No ISR-change notification was created (the children version of the parent did not move).
        #expect(observed.notificationChildrenVersions.before == observed.notificationChildrenVersions.after)
    }
}

@Suite(
    .tags(.cluster), .requiresZooKeeper,
    .cluster(brokerOverrides: ["replica.lag.time.max.ms": "3000", "inter.broker.protocol.version": "2.6"]), .serialized,
    .timeLimit(.minutes(5)))
struct IsrChangeNotificationTests {
    @Test func pausedFollower_leavesAndRejoinsTheIsr_throughZooKeeperWrites() async throws {
        let cluster = try RunningCluster.current
        let observed = try await IsrChangeScenario.run(cluster, topic: "isr-notification")
        #expect(observed.shrunk.isr.count == 2 && observed.expanded.isr.count == 3)
        #expect(!observed.leaderLog.contains("AlterIsr with"), "\(observed.leaderLog.suffix(3000))")
        #expect(!observed.controllerTrace.contains("\"type\":\"AlterIsrReceived\""))
        // The leader notifies once its ISR changes have been quiet for 5 s (Kafka's `maybePropagateIsrChanges`),
        // possibly after the scenario ended: the notification is created, then processed and deleted by the controller.
        let before = observed.notificationChildrenVersions.before ?? 0
        try await withClosing(try await DataPlane.zooKeeper(cluster)) { zooKeeper async throws in
            var childrenVersion: Int32 = before
            try await pollUntil("no ISR change notification was created (cversion \(childrenVersion))", timeout: .seconds(30)) {
                childrenVersion = try await zooKeeper.exists(ZNodePaths.isrChangeNotification)?.cversion ?? before
                return childrenVersion > before
            }
        }
        try await pollUntil("the controller did not process an IsrChangeNotification", timeout: .seconds(30)) {
            IsrChangeScenario.text(observed.tracePath, from: observed.traceStart).contains("\"type\":\"IsrChangeNotification\"")
        }
    }
}
