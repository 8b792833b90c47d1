import Foundation
import KafkaTestKit
import LocalCluster
import Testing

/// `zkafka cluster up --mode kraft` with real controller processes: a quorum that elects and settles,
/// kill -9 of the active controller and a new leader in a newer epoch, restart of the killed node as a
/// follower, SIGSTOP/SIGCONT of a controller, and `down` leaving no process. Brokers join once
/// `process.roles=broker` runs; until then `up` says it started the controllers only.
@Suite(.tags(.cluster), .serialized, .timeLimit(.minutes(4)))
struct KRaftClusterLaunchTests {
    private func withKRaftCluster(_ body: (LocalCluster) throws -> Void) throws {
        try ZKafkaExecutable.export()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zkafka-kraft-\(UUID().uuidString.prefix(8))").path
        let cluster = LocalCluster(directory: directory)
        defer {
            let pids = (try? cluster.descriptor()).map { $0.controllers.compactMap(\.pid) + $0.brokers.compactMap(\.pid) } ?? []
            do { try cluster.down() } catch { Issue.record("down failed: \(error)") }
            for pid in pids { #expect(kill(pid, 0) != 0 || Self.isZombie(pid), "pid \(pid) survived down") }
            try? FileManager.default.removeItem(atPath: directory)
        }
        try body(cluster)
    }

    private static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let closing = stat.lastIndex(of: ")") else {
            return true
        }
        return stat[stat.index(after: closing)...].trimmingCharacters(in: .whitespaces).first == "Z"
    }

    @Test func up_electsALeader_killStartPauseAndDown() throws {
        try withKRaftCluster { cluster in
            let outcome = try cluster.upKRaft(controllers: 3, brokers: 3)
            let descriptor = outcome.descriptor
            #expect(descriptor.clusterMode == .kraft)
            #expect(descriptor.controllers.map(\.id) == [3001, 3002, 3003])
            #expect(descriptor.zookeeper.servers.isEmpty)
            #expect(descriptor.clusterID?.count == 22)
            if descriptor.brokers.isEmpty {
                #expect(outcome.notes.contains { $0.contains("process.roles=broker") || $0.contains("BrokerRegistration") }, "no brokers and no note saying why")
            } else {
                #expect(descriptor.brokers.map(\.id) == [1, 2, 3] && outcome.notes.isEmpty)
                #expect(try cluster.status().brokers.allSatisfy { $0.state == .running })
            }
            for controller in descriptor.controllers {
                let properties = try String(contentsOfFile: controller.config, encoding: .utf8)
                #expect(properties.contains("controller.quorum.voters=\(descriptor.quorumVoters)"))
                #expect(FileManager.default.fileExists(atPath: controller.logDir + "/meta.properties"))
            }
            let settled = try cluster.status()
            #expect(settled.isQuorumSettled)
            let leader = try #require(settled.activeControllerID)
            let epoch = try #require(settled.controllers.first { $0.id == leader }?.quorum.epoch)

            try cluster.kill(.controller(leader))
            let afterKill = try waitForStatus(cluster) { $0.activeControllerID != nil && $0.activeControllerID != leader }
            let newLeader = try #require(afterKill.activeControllerID)
            #expect(newLeader != leader)
            #expect((afterKill.controllers.first { $0.id == newLeader }?.quorum.epoch ?? 0) > epoch)
            #expect(afterKill.controllers.first { $0.id == leader }?.quorum == .down)

            try cluster.start(.controller(leader))
            let rejoined = try waitForStatus(cluster) { $0.isQuorumSettled && $0.controllers.allSatisfy { $0.quorum != .down } }
            #expect(rejoined.controllers.first { $0.id == leader }?.quorum.role == "follower")
            let again = #expect(throws: LocalClusterError.self) { try cluster.start(.controller(leader)) }
            #expect(again?.code == .memberAlreadyRunning)

            try cluster.kill(.controller(leader), signal: .stop)
            #expect(try cluster.status().controllers.first { $0.id == leader }?.quorum == .paused)
            try cluster.kill(.controller(leader), signal: .cont)
            let resumed = try waitForStatus(cluster) { $0.controllers.first { $0.id == leader }?.quorum.role == "follower" }
            #expect(resumed.controllers.first { $0.id == leader }?.quorum.role == "follower")

            let refused = #expect(throws: LocalClusterError.self) { try cluster.up(zookeepers: 1) }
            #expect(refused?.message.contains("KRaft-mode cluster") == true)
            try cluster.down()
            #expect(try cluster.status().controllers.allSatisfy { $0.quorum == .down && $0.pid == nil })
        }
    }
}
