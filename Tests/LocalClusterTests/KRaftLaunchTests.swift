import Foundation
import Testing

@testable import LocalCluster

/// KRaft mode's pure parts: cluster.json's new keys and backward compatibility, each node's
/// server.properties, and the role each controller reports in its log.
@Suite(.tags(.unit)) struct KRaftLaunchTests {
    private let paths = ClusterPaths(directory: "/tmp/k")

    @Test func descriptor_kraft_roundTripsWithModeControllersAndClusterID() throws {
        let controller = KRaftNodeLaunchPlan(
            role: .controller, id: 3001, port: 9093, quorumVoters: "3001@127.0.0.1:9093", paths: paths)
        var descriptor = ClusterDescriptor(directory: "/tmp/k", clusterID: "MkU3OEVBNTcwNTJENDM2Qg", controllers: [controller.descriptor], brokers: [])
        descriptor.record(.controller(3001), pid: 42, state: .running)
        let object = try #require(JSONSerialization.jsonObject(with: descriptor.jsonData()) as? [String: Any])
        #expect(object["mode"] as? String == "kraft")
        #expect(object["clusterID"] as? String == "MkU3OEVBNTcwNTJENDM2Qg")
        let controllers = try #require(object["controllers"] as? [[String: Any]])
        #expect(controllers.first?["id"] as? Int == 3001)
        #expect(controllers.first?["pid"] as? Int == 42)
        #expect(controllers.first?["config"] as? String == "/tmp/k/controller-3001/server.properties")
        #expect(try ClusterDescriptor(jsonData: descriptor.jsonData()) == descriptor)
        #expect(descriptor.recordedProcesses.map(\.member) == [.controller(3001)])
        #expect(try descriptor.recordedPID(of: .controller(3001)) == 42)
        #expect(throws: LocalClusterError.self) { try descriptor.recordedPID(of: .controller(3002)) }
        #expect(descriptor.quorumVoters == "3001@127.0.0.1:9093")
    }

    @Test func descriptor_zookeeperModeFile_withoutModeOrControllers_loadsAsZooKeeperMode() throws {
        let legacy = #"{"directory":"/tmp/c","zookeeper":{"connect":"127.0.0.1:2181","servers":[]},"brokers":[]}"#
        let descriptor = try ClusterDescriptor(jsonData: Data(legacy.utf8))
        #expect(descriptor.clusterMode == .zookeeper)
        #expect(descriptor.controllers.isEmpty)
        #expect(descriptor.clusterID == nil)
        // And a ZooKeeper-mode file is written with exactly its old keys.
        let object = try #require(JSONSerialization.jsonObject(with: descriptor.jsonData()) as? [String: Any])
        #expect(Set(object.keys) == ["mode", "directory", "zookeeper", "brokers"])
    }

    @Test func controllerProperties_areKafka33ControllerOnlyNode() {
        let plan = KRaftNodeLaunchPlan(
            role: .controller, id: 3002, port: 20001, quorumVoters: "3001@127.0.0.1:20000,3002@127.0.0.1:20001", paths: paths)
        let lines = Set(plan.serverProperties().split(separator: "\n").map(String.init))
        #expect(lines.isSuperset(of: [
            "process.roles=controller", "node.id=3002", "controller.quorum.voters=3001@127.0.0.1:20000,3002@127.0.0.1:20001",
            "controller.listener.names=CONTROLLER", "listeners=CONTROLLER://127.0.0.1:20001",
            "log.dirs=/tmp/k/controller-3002/logs",
        ]))
        #expect(!lines.contains { $0.hasPrefix("zookeeper.connect") })
        #expect(plan.arguments(executable: "/bin/zkafka") == ["/bin/zkafka", "server-start", "--config", "/tmp/k/controller-3002/server.properties"])
        #expect(plan.formatArguments(executable: "/bin/zkafka", clusterID: "ID")
            == ["/bin/zkafka", "storage", "format", "--cluster-id", "ID", "--config", "/tmp/k/controller-3002/server.properties", "--ignore-formatted"])
        #expect(plan.member == .controller(3002))
    }

    @Test func brokerProperties_listenOnPlaintextAndNameTheControllerListener() {
        let plan = KRaftNodeLaunchPlan(role: .broker, id: 1, port: 20005, quorumVoters: "3001@127.0.0.1:20000", paths: paths)
        let lines = Set(plan.serverProperties().split(separator: "\n").map(String.init))
        #expect(lines.isSuperset(of: [
            "process.roles=broker", "node.id=1", "controller.quorum.voters=3001@127.0.0.1:20000",
            "controller.listener.names=CONTROLLER", "listeners=PLAINTEXT://127.0.0.1:20005",
            "advertised.listeners=PLAINTEXT://127.0.0.1:20005", "log.dirs=/tmp/k/broker-1/logs",
        ]))
        #expect(plan.member == .broker(1))
        #expect(plan.startedLine == "[BrokerServer id=1] Transition from RECOVERY to RUNNING")
    }

    @Test func quorumRole_isTheLastTransitionSinceTheLastStart() {
        let log = """
            [info] Starting controller 3001 of cluster X
            [info] Transitioned to candidate at epoch 1
            [info] Transitioned to leader at epoch 1
            [info] Starting controller 3001 of cluster X
            [info] Transitioned to unattached at epoch 1
            [info] Transitioned to follower at epoch 2 (leader 3003)
            """
        #expect(KRaftQuorumRole.latest(inLog: log) == KRaftQuorumRole(role: "follower", epoch: 2, leaderID: 3003))
        // A restarted node that has not logged a transition yet does not report its old incarnation's role.
        #expect(KRaftQuorumRole.latest(inLog: "Transitioned to leader at epoch 4\nStarting controller 3001 of cluster X") == .starting)
        #expect(KRaftQuorumRole.latest(inLog: "Transitioned to voted at epoch 3 (voted for 3002)")
            == KRaftQuorumRole(role: "voted", epoch: 3, leaderID: nil))
        #expect(KRaftQuorumRole.latest(inLog: "") == .starting)
    }

    @Test func status_settledQuorum_needsOneLeaderFollowedInItsEpoch() {
        func status(_ roles: [KRaftQuorumRole]) -> ClusterStatus {
            ClusterStatus(
                mode: "kraft", directory: "/tmp/k", connect: "", zookeeper: [],
                controllers: roles.enumerated().map { .init(id: 3001 + $0, port: 1, pid: 1, quorum: $1) }, brokers: [])
        }
        let leader = KRaftQuorumRole(role: "leader", epoch: 2)
        let follower = KRaftQuorumRole(role: "follower", epoch: 2, leaderID: 3001)
        #expect(status([leader, follower, follower]).isQuorumSettled)
        #expect(status([leader, follower, .down]).isQuorumSettled)
        #expect(!status([leader, follower, .starting]).isQuorumSettled)
        #expect(!status([leader, KRaftQuorumRole(role: "follower", epoch: 1, leaderID: 3001), follower]).isQuorumSettled)
        // A paused old leader still says leader in epoch 2; the newer epoch's leader is the active one.
        let newer = status([leader, KRaftQuorumRole(role: "leader", epoch: 3), KRaftQuorumRole(role: "follower", epoch: 3, leaderID: 3002)])
        #expect(newer.activeControllerID == 3002)
        #expect(newer.quorumLeaderIDs == [3001, 3002])
        #expect(status([leader, follower, follower]).table().contains("controller.quorum.voters="))
        #expect(status([leader, follower, follower]).table().contains("leader (epoch 2)"))
    }

    @Test func member_fromOptions_acceptsController() throws {
        #expect(try ClusterMember.fromOptions(broker: nil, zookeeper: nil, controller: 3001) == .controller(3001))
        #expect(throws: LocalClusterError.self) { try ClusterMember.fromOptions(broker: 1, zookeeper: nil, controller: 3001) }
        #expect(ClusterMember.controller(3001).option == "--controller 3001")
        #expect(ClusterMode(parsing: "KRaft") == .kraft && ClusterMode(parsing: "zookeeper") == .zookeeper && ClusterMode(parsing: "x") == nil)
    }

    @Test func validateKRaftUp_rejectsBadCounts() {
        #expect(throws: LocalClusterError.self) { try LocalCluster.validateKRaftUp(controllers: 0, brokers: 3) }
        #expect(throws: LocalClusterError.self) { try LocalCluster.validateKRaftUp(controllers: 10, brokers: 3) }
        #expect(throws: LocalClusterError.self) { try LocalCluster.validateKRaftUp(controllers: 3, brokers: -1) }
    }
}

/// The ApiVersions probe `up --mode kraft` uses to see whether controllers register brokers.
@Suite(.tags(.unit)) struct ControllerApiVersionsProbeTests {
    @Test func request_isApiVersionsV0WithItsSizePrefix() {
        let request = ControllerApiVersionsProbe.request()
        #expect(Array(request[0..<4]) == [0, 0, 0, UInt8(request.count - 4)])
        #expect(Array(request[4..<8]) == [0, 18, 0, 0])  // api key 18, version 0
        #expect(Array(request[8..<12]) == [0, 0, 0, 7])  // correlation id
    }

    @Test func parse_listsTheApiKeys_andRefusesErrorsAndShortAnswers() {
        // size 22: correlation 7, error 0, 2 entries: (18, 0, 3), (62, 0, 0)
        let answer: [UInt8] = [0, 0, 0, 22, 0, 0, 0, 7, 0, 0, 0, 0, 0, 2, 0, 18, 0, 0, 0, 3, 0, 62, 0, 0, 0, 0]
        #expect(ControllerApiVersionsProbe.parse(answer) == [18, 62])
        #expect(ControllerApiVersionsProbe.parse(Array(answer.prefix(20))) == nil)
        var failed = answer
        failed[9] = 35  // UNSUPPORTED_VERSION
        #expect(ControllerApiVersionsProbe.parse(failed) == nil)
        #expect(ControllerApiVersionsProbe.isComplete(answer) && !ControllerApiVersionsProbe.isComplete([0, 0]))
    }
}
