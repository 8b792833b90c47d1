import Testing
@testable import KafkaConfig

@Suite(.tags(.unit)) struct KRaftConfigTests {
    static let controller = [
        "process.roles": "controller",
        "node.id": "1",
        "controller.quorum.voters": "1@127.0.0.1:9093,2@127.0.0.1:9094,3@[::1]:9095",
        "controller.listener.names": "CONTROLLER",
        "listeners": "CONTROLLER://127.0.0.1:9093",
        "log.dirs": "/tmp/a,/tmp/b",
    ]

    static func with(_ changes: [String: String?]) -> [String: String] {
        var values = controller
        for (key, value) in changes { values[key] = value }
        return values
    }

    @Test func controller_defaultsAreKafka33s() throws {
        let config = try KRaftConfig(values: Self.controller)
        #expect(config.processRoles == [.controller])
        #expect(config.isController && !config.isBroker)
        #expect(config.nodeID == 1)
        #expect(config.quorumVoters == [
            QuorumVoter(id: 1, host: "127.0.0.1", port: 9093), QuorumVoter(id: 2, host: "127.0.0.1", port: 9094),
            QuorumVoter(id: 3, host: "::1", port: 9095),
        ])
        #expect(config.electionTimeoutMs == 1_000)
        #expect(config.fetchTimeoutMs == 2_000)
        #expect(config.electionBackoffMaxMs == 1_000)
        #expect(config.requestTimeoutMs == 2_000)
        #expect(config.retryBackoffMs == 20)
        #expect(config.appendLingerMs == 25)
        #expect(config.controllerListener == Listener(name: "CONTROLLER", host: "127.0.0.1", port: 9093, securityProtocol: "PLAINTEXT"))
        #expect(config.metadataLogDir == "/tmp/a")
        #expect(config.storageDirectories == ["/tmp/a", "/tmp/b"])
        #expect(config.warnings.isEmpty)
    }

    @Test func timeoutsAndMetadataLogDir_areRead() throws {
        let config = try KRaftConfig(values: Self.with([
            "controller.quorum.election.timeout.ms": "300", "controller.quorum.fetch.timeout.ms": "600",
            "controller.quorum.election.backoff.max.ms": "200", "controller.quorum.request.timeout.ms": "700",
            "metadata.log.dir": "/tmp/meta",
        ]))
        #expect(config.electionTimeoutMs == 300)
        #expect(config.fetchTimeoutMs == 600)
        #expect(config.electionBackoffMaxMs == 200)
        #expect(config.requestTimeoutMs == 700)
        #expect(config.storageDirectories == ["/tmp/a", "/tmp/b", "/tmp/meta"])
    }

    @Test func combinedAndBrokerRoles_areAccepted() throws {
        let combined = try KRaftConfig(values: Self.with([
            "process.roles": "broker,controller", "listeners": "PLAINTEXT://:9092,CONTROLLER://127.0.0.1:9093",
        ]))
        #expect(combined.processRoles == [.broker, .controller])
        let broker = try KRaftConfig(values: Self.with([
            "process.roles": "broker", "node.id": "4", "listeners": "PLAINTEXT://:9092",
        ]))
        #expect(broker.isBroker && !broker.isController)
        #expect(broker.controllerListener == nil)
    }

    @Test func controllerNotAmongVoters_isKafkasMessage() {
        #expect(throws: ConfigError.invalidValue(
            key: "controller.quorum.voters", value: "2@127.0.0.1:9094",
            reason: "If process.roles contains the 'controller' role, the node id 1 must be included in the set of voters controller.quorum.voters={2}")
        ) { try KRaftConfig(values: Self.with(["controller.quorum.voters": "2@127.0.0.1:9094"])) }
    }

    @Test func brokerAmongVoters_isRejected() throws {
        let error = #expect(throws: ConfigError.self) {
            try KRaftConfig(values: Self.with(["process.roles": "broker", "listeners": "PLAINTEXT://:9092"]))
        }
        #expect("\(error!)".contains("must not be included in the set of voters"))
    }

    @Test func mixingZooKeeperAndKRaft_isAnError() throws {
        let error = #expect(throws: ConfigError.self) {
            try KRaftConfig(values: Self.with(["zookeeper.connect": "127.0.0.1:2181"]))
        }
        #expect("\(error!)".contains("'zookeeper.connect'"))
        #expect("\(error!)".contains("must not set zookeeper.connect"))
        #expect(ServerProperties.isKRaft(Self.controller))
        #expect(!ServerProperties.isKRaft(["broker.id": "1", "zookeeper.connect": "z:2181"]))
    }

    @Test func missingNodeIDAndVoters_nameTheKey() {
        #expect(throws: ConfigError.missing(key: "node.id")) { try KRaftConfig(values: Self.with(["node.id": nil])) }
        #expect(throws: ConfigError.invalidValue(
            key: "controller.quorum.voters", value: "",
            reason: "If using process.roles, controller.quorum.voters must contain a parseable set of voters.")
        ) { try KRaftConfig(values: Self.with(["controller.quorum.voters": nil])) }
    }

    @Test(arguments: [
        ("1@127.0.0.1", "Failed to parse host port from entry 1@127.0.0.1"),
        ("x@127.0.0.1:9093", "Failed to parse voter ID as an integer from x"),
        ("1-127.0.0.1:9093", "Each entry should be in the form `{id}@{host}:{port}`; got '1-127.0.0.1:9093'"),
        ("1@:9093", "Failed to parse host name from entry 1@:9093"),
        ("1@a:1,1@b:2", "voter id 1 appears more than once"),
    ])
    func malformedVoters_sayWhichEntry(text: String, reason: String) {
        #expect(throws: ConfigError.invalidValue(key: "controller.quorum.voters", value: text, reason: reason)) {
            try QuorumVoter.parseList(text)
        }
    }

    @Test func badRoles_areKafkasMessages() {
        #expect(throws: ConfigError.invalidValue(
            key: "process.roles", value: "controler",
            reason: "Unknown process role 'controler' (only 'broker' and 'controller' are allowed roles)")
        ) { try KRaftConfig(values: Self.with(["process.roles": "controler"])) }
        let error = #expect(throws: ConfigError.self) {
            try KRaftConfig(values: Self.with(["process.roles": "controller,controller"]))
        }
        #expect("\(error!)".contains("Duplicate role names"))
    }

    @Test func controllerListener_mustBeListened() {
        let error = #expect(throws: ConfigError.self) {
            try KRaftConfig(values: Self.with([
                "controller.listener.names": "OTHER", "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,OTHER:PLAINTEXT",
            ]))
        }
        #expect("\(error!)".contains("must contain at least one value appearing in the 'listeners'"))
        let extra = #expect(throws: ConfigError.self) {
            try KRaftConfig(values: Self.with(["listeners": "PLAINTEXT://:9092,CONTROLLER://127.0.0.1:9093"]))
        }
        #expect("\(extra!)".contains("must only contain KRaft controller listeners"))
    }

    @Test func badTimeout_namesKeyAndValue() {
        #expect(throws: ConfigError.invalidValue(
            key: "controller.quorum.fetch.timeout.ms", value: "soon", reason: "expected a whole number")
        ) { try KRaftConfig(values: Self.with(["controller.quorum.fetch.timeout.ms": "soon"])) }
    }

    @Test func brokerIDDifferentFromNodeID_isRejected() {
        let error = #expect(throws: ConfigError.self) { try KRaftConfig(values: Self.with(["broker.id": "7"])) }
        #expect("\(error!)".contains("same value as `broker.id`"))
    }
}
