import Testing
@testable import KafkaConfig

/// A KRaft broker's configuration: the KRaft keys plus every ZooKeeper-mode broker key, without ZooKeeper.
@Suite struct KRaftBrokerConfigTests {
    static let broker = [
        "process.roles": "broker",
        "node.id": "4",
        "controller.quorum.voters": "1@127.0.0.1:9093,2@127.0.0.1:9094,3@127.0.0.1:9095",
        "controller.listener.names": "CONTROLLER",
        "listeners": "PLAINTEXT://127.0.0.1:9092",
        "log.dirs": "/tmp/b4",
        "min.insync.replicas": "2",
        "num.partitions": "3",
    ]

    @Test func broker_isNodeID_withBrokerSettingsAndLifecycleDefaults() throws {
        let config = try KRaftBrokerConfig(values: Self.broker)
        #expect(config.nodeID == 4)
        #expect(config.broker.brokerID == 4)
        #expect(config.broker.minInsyncReplicas == 2)
        #expect(config.broker.numPartitions == 3)
        #expect(config.broker.listeners.map(\.name) == ["PLAINTEXT"])
        #expect(config.heartbeatIntervalMs == 2_000)
        #expect(config.initialRegistrationTimeoutMs == 60_000)
        #expect(config.warnings.isEmpty, "\(config.warnings)")
    }

    @Test func unknownKey_isWarnedOnce_knownKeysOfEitherHalfAreNot() throws {
        var values = Self.broker
        values["no.such.key"] = "1"
        values["broker.heartbeat.interval.ms"] = "500"
        let config = try KRaftBrokerConfig(values: values)
        #expect(config.warnings.count == 1)
        #expect(config.warnings.first?.contains("'no.such.key'") == true)
        #expect(config.heartbeatIntervalMs == 500)
    }

    @Test func combinedNode_brokerServesTheNonControllerListeners() throws {
        var values = Self.broker
        values["process.roles"] = "broker,controller"
        values["node.id"] = "1"
        values["listeners"] = "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093"
        let config = try KRaftBrokerConfig(values: values)
        #expect(config.broker.listeners.map(\.name) == ["PLAINTEXT"])
        #expect(config.kraft.controllerListener?.port == 9093)
    }

    @Test func controllerOnlyNode_isRefused() {
        var values = Self.broker
        values["process.roles"] = "controller"
        values["node.id"] = "1"
        values["listeners"] = "CONTROLLER://127.0.0.1:9093"
        #expect(throws: ConfigError.self) { try KRaftBrokerConfig(values: values) }
    }

    @Test func zookeeperConnect_isRefused() {
        var values = Self.broker
        values["zookeeper.connect"] = "127.0.0.1:2181"
        #expect(throws: ConfigError.self) { try KRaftBrokerConfig(values: values) }
    }
}
