import Foundation
import Testing

@testable import LocalCluster

@Suite(.tags(.unit)) struct BrokerLaunchPlanTests {
    private let plan = BrokerLaunchPlan(
        id: 2, port: 9093, zookeeperConnect: "127.0.0.1:2181", paths: ClusterPaths(directory: "/tmp/c"))

    @Test func plan_usesTheContractPaths() {
        #expect(plan.configPath == "/tmp/c/broker-2/server.properties")
        #expect(plan.logDir == "/tmp/c/broker-2/logs")
        #expect(plan.arguments(executable: "/usr/bin/zkafka") == ["/usr/bin/zkafka", "server-start", "/tmp/c/broker-2/server.properties"])
        #expect(plan.descriptor.pid == nil)
    }

    @Test func serverProperties_carryKafkasKeys() {
        let lines = Set(plan.serverProperties().split(separator: "\n").map(String.init))
        #expect(lines.contains("broker.id=2"))
        #expect(lines.contains("listeners=PLAINTEXT://127.0.0.1:9093"))
        #expect(lines.contains("log.dirs=/tmp/c/broker-2/logs"))
        #expect(lines.contains("zookeeper.connect=127.0.0.1:2181"))
    }

    @Test func overrides_replaceTheLogDirPlaceholder_withEachBrokersOwnDir() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zkafka-plan-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "log.dirs={logDir},{logDir}-2\n".write(toFile: directory + "/broker-overrides.properties", atomically: true, encoding: .utf8)
        let lines = BrokerLaunchPlan(id: 3, port: 9094, zookeeperConnect: "127.0.0.1:2181", paths: ClusterPaths(directory: directory))
            .serverProperties().split(separator: "\n").map(String.init)
        // The override comes after the default line, so it wins.
        #expect(lines.last { $0.hasPrefix("log.dirs=") } == "log.dirs=\(directory)/broker-3/logs,\(directory)/broker-3/logs-2")
    }
}
