import Foundation
import Testing

@testable import LocalCluster

@Suite(.tags(.unit)) struct ClusterDescriptorTests {
    private func sample() -> ClusterDescriptor {
        let servers = (1...3).map { id in
            ClusterDescriptor.ZooKeeperServer(
                id: id, host: "127.0.0.1", clientPort: 2180 + id, quorumPort: 2183 + id, electionPort: 2186 + id,
                pid: id == 2 ? nil : Int32(1000 + id), state: id == 2 ? .stopped : .running,
                config: "/tmp/c/zookeeper-\(id)/zoo.cfg", dataDir: "/tmp/c/zookeeper-\(id)/data",
                log: "/tmp/c/zookeeper-\(id)/zookeeper.log")
        }
        let broker = ClusterDescriptor.Broker(
            id: 1, host: "127.0.0.1", port: 9092, pid: 456, state: .paused,
            config: "/tmp/c/broker-1/server.properties", logDir: "/tmp/c/broker-1/logs", log: "/tmp/c/broker-1/broker.log")
        return ClusterDescriptor(directory: "/tmp/c", zookeeper: .init(servers: servers), brokers: [broker])
    }

    @Test func json_roundTrip_preservesEverything() throws {
        let descriptor = sample()
        #expect(try ClusterDescriptor(jsonData: descriptor.jsonData()) == descriptor)
    }

    @Test func json_hasTheContractKeys() throws {
        let object = try #require(JSONSerialization.jsonObject(with: sample().jsonData()) as? [String: Any])
        #expect(object["mode"] as? String == "zk")
        let zookeeper = try #require(object["zookeeper"] as? [String: Any])
        #expect(zookeeper["connect"] as? String == "127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183")
        let servers = try #require(zookeeper["servers"] as? [[String: Any]])
        #expect(servers.map { $0["id"] as? Int } == [1, 2, 3])
        #expect(servers[0]["clientPort"] as? Int == 2181)
        #expect(servers[0]["pid"] as? Int == 1001)
        // A stopped server keeps the key with a null, so scripts can tell "stopped" from "unknown".
        #expect(servers[1]["pid"] is NSNull)
        let brokers = try #require(object["brokers"] as? [[String: Any]])
        #expect(brokers[0]["port"] as? Int == 9092)
        #expect(brokers[0]["config"] as? String == "/tmp/c/broker-1/server.properties")
        #expect(brokers[0]["logDir"] as? String == "/tmp/c/broker-1/logs")
        #expect(brokers[0]["host"] as? String == "127.0.0.1")
    }

    @Test func write_thenRead_isAtomicAndLeavesNoTemporaryFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zkafka-descriptor-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/cluster.json"
        try sample().write(to: path)
        #expect(try ClusterDescriptor.read(from: path) == sample())
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["cluster.json"])
        #expect(try ClusterDescriptor.read(from: directory + "/missing.json") == nil)
    }

    @Test func record_updatesOnlyTheNamedMember() {
        var descriptor = sample()
        descriptor.record(.zookeeper(1), pid: nil, state: .stopped)
        descriptor.record(.zookeeper(2), pid: 77, state: .running)
        #expect(descriptor.zookeeper.servers.map(\.pid) == [nil, 77, 1003])
        #expect(descriptor.recordedProcesses.map(\.member) == [.zookeeper(2), .zookeeper(3), .broker(1)])
        #expect(throws: LocalClusterError.self) { try descriptor.recordedPID(of: .zookeeper(9)) }
    }
}
