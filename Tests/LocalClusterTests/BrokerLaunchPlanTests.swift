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
}
