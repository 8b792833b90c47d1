import Foundation
import KafkaTestKit
import Testing

@testable import LocalCluster

/// Against real ZooKeeper servers from the Debian `zookeeper` package. Serialized because every
/// test starts JVMs and the CI machine has two cores.
@Suite(.tags(.cluster), .requiresZooKeeper, .serialized, .timeLimit(.minutes(3)))
struct LocalClusterIntegrationTests {
    @Test func up_threeServers_oneLeaderTwoFollowers_thenDownTwiceLeavesNoProcess() throws {
        try withTemporaryCluster { cluster in
            let descriptor = try cluster.up(zookeepers: 3)
            #expect(descriptor.zookeeper.servers.map(\.id) == [1, 2, 3])
            #expect(descriptor.zookeeper.connect.split(separator: ",").count == 3)
            #expect(descriptor.brokers.isEmpty)
            #expect(try cluster.descriptor() == descriptor)
            let pids = descriptor.zookeeper.servers.compactMap(\.pid)
            #expect(pids.count == 3 && pids.allSatisfy(isAlive))

            let status = try cluster.status()
            #expect(status.zookeeper.filter { $0.mode == .leader }.count == 1)
            #expect(status.zookeeper.filter { $0.mode == .follower }.count == 2)

            let again = #expect(throws: LocalClusterError.self) { try cluster.up(zookeepers: 3) }
            #expect(again?.code == .clusterAlreadyRunning)
            #expect(again?.message.contains("zkafka cluster down --dir \(cluster.directory)") == true)

            try cluster.down()
            try cluster.down()
            #expect(!pids.contains(where: isAlive))
            let after = try cluster.descriptor()
            #expect(after.zookeeper.servers.allSatisfy { $0.pid == nil && $0.state == .stopped })
            #expect(try cluster.status().zookeeper.allSatisfy { $0.mode == .down })
        }
    }

    @Test func killLeader_electsNewLeader_thenStartRejoins_andStopContPauses() throws {
        try withTemporaryCluster { cluster in
            try cluster.up(zookeepers: 3)
            let leader = try #require(try cluster.status().leaderIDs.first)
            let leaderPID = try #require(try cluster.descriptor().zookeeper.servers.first { $0.id == leader }?.pid)

            try cluster.kill(.zookeeper(leader))
            #expect(!isAlive(leaderPID))
            #expect(try cluster.descriptor().zookeeper.servers.first { $0.id == leader }?.pid == nil)
            let afterKill = try waitForStatus(cluster) { $0.hasLeader }
            #expect(afterKill.mode(ofZooKeeper: leader) == .down)
            let newLeader = try #require(afterKill.leaderIDs.first)
            #expect(newLeader != leader)

            try cluster.start(.zookeeper(leader))
            let restarted = try cluster.status()
            #expect(restarted.mode(ofZooKeeper: leader)?.isServing == true)
            let newPID = try #require(try cluster.descriptor().zookeeper.servers.first { $0.id == leader }?.pid)
            #expect(newPID != leaderPID && isAlive(newPID))

            let follower = try #require(restarted.zookeeper.first { $0.mode == .follower }?.id)
            try cluster.kill(.zookeeper(follower), signal: .stop)
            #expect(try cluster.status().mode(ofZooKeeper: follower) == .paused)
            #expect(try cluster.descriptor().zookeeper.servers.first { $0.id == follower }?.state == .paused)
            let startPaused = #expect(throws: LocalClusterError.self) { try cluster.start(.zookeeper(follower)) }
            #expect(startPaused?.code == .memberAlreadyRunning)

            try cluster.kill(.zookeeper(follower), signal: .cont)
            let resumed = try waitForStatus(cluster) { $0.mode(ofZooKeeper: follower)?.isServing == true }
            #expect(resumed.mode(ofZooKeeper: follower)?.isServing == true)

            try cluster.kill(.zookeeper(follower), signal: .term)
            #expect(try cluster.status().mode(ofZooKeeper: follower) == .down)
            let killStopped = #expect(throws: LocalClusterError.self) { try cluster.kill(.zookeeper(follower)) }
            #expect(killStopped?.code == .memberNotRunning)
        }
    }

    @Test func down_pausedCluster_stopsEverything() throws {
        try withTemporaryCluster { cluster in
            let descriptor = try cluster.up(zookeepers: 1)
            #expect(try cluster.status().mode(ofZooKeeper: 1) == .standalone)
            try cluster.kill(.zookeeper(1), signal: .stop)
            // SIGTERM alone would stay pending on a stopped process; down must resume it too.
            try cluster.down()
            #expect(!isAlive(try #require(descriptor.zookeeper.servers[0].pid)))
        }
    }

    @Test func up_takenBasePort_failsClearlyAndStartsNothing() throws {
        let listener = try TCPListener()
        defer { listener.close() }
        try withTemporaryCluster { cluster in
            let error = #expect(throws: LocalClusterError.self) {
                try cluster.up(zookeepers: 1, basePort: listener.port)
            }
            #expect(error?.code == .portTaken)
            #expect(error?.message.contains("\(listener.port)") == true)
            #expect(!FileManager.default.fileExists(atPath: cluster.directory + "/cluster.json"))
        }
    }

    @Test func emptyDirectory_statusSaysNoCluster_andDownIsANoOp() throws {
        try withTemporaryCluster { cluster in
            let error = #expect(throws: LocalClusterError.self) { try cluster.status() }
            #expect(error?.code == .noCluster)
            try cluster.down()
            let kill = #expect(throws: LocalClusterError.self) { try cluster.kill(.zookeeper(1)) }
            #expect(kill?.code == .noCluster)
        }
    }
}
