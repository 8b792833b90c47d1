import Testing
@testable import KafkaConfig

@Suite(.tags(.unit)) struct JavaPropertiesTests {
    @Test func separatorsCommentsAndContinuations_followJavaProperties() throws {
        let text = """
            # a comment
            ! another comment
            broker.id=1
            listeners : PLAINTEXT://127.0.0.1:9092
            log.dirs /tmp/a,\\
                /tmp/b
            empty=
            spaced.key = value with spaces  
            escaped\\=key=tab\\there\\u0041
            broker.id=2
            """
        let properties = try JavaProperties(parsing: text)
        let values = properties.values
        #expect(values["broker.id"] == "2")  // a later duplicate wins
        #expect(values["listeners"] == "PLAINTEXT://127.0.0.1:9092")
        #expect(values["log.dirs"] == "/tmp/a,/tmp/b")
        #expect(values["empty"] == "")
        #expect(values["spaced.key"] == "value with spaces  ")
        #expect(values["escaped=key"] == "tab\there" + "A")
        #expect(properties.entries.first?.line == 3)
        #expect(properties.entries.count == 7)
    }

    @Test func badUnicodeEscape_namesTheLine() {
        #expect(throws: ConfigError.malformedProperties(line: 2, reason: "malformed \\uXXXX escape '\\uZZ'")) {
            try JavaProperties(parsing: "a=1\nb=\\uZZ")
        }
    }
}

@Suite(.tags(.unit)) struct BrokerConfigTests {
    static let minimal = ["broker.id": "3", "zookeeper.connect": "127.0.0.1:2181/kafka"]

    @Test func defaults_areKafka28s() throws {
        let config = try BrokerConfig(values: Self.minimal)
        #expect(config.brokerID == 3)
        #expect(config.listeners == [Listener(name: "PLAINTEXT", host: "", port: 9092, securityProtocol: "PLAINTEXT")])
        #expect(config.advertisedListeners == config.listeners)
        #expect(config.interBrokerListenerName == "PLAINTEXT")
        #expect(config.zookeeperSessionTimeoutMs == 18_000)
        #expect(config.zookeeperConnectionTimeoutMs == 18_000)
        #expect(config.zookeeperMaxInFlightRequests == 10)
        #expect(config.numNetworkThreads == 3)
        #expect(config.numIOThreads == 8)
        #expect(config.socketRequestMaxBytes == 104_857_600)
        #expect(config.connectionsMaxIdleMs == 600_000)
        #expect(config.numPartitions == 1)
        #expect(config.defaultReplicationFactor == 1)
        #expect(config.minInsyncReplicas == 1)
        #expect(config.autoCreateTopicsEnable)
        #expect(!config.uncleanLeaderElectionEnable)
        #expect(config.leaderImbalancePerBrokerPercentage == 10)
        #expect(config.leaderImbalanceCheckIntervalSeconds == 300)
        #expect(config.replicaLagTimeMaxMs == 30_000)
        #expect(config.replicaSocketTimeoutMs == 30_000)
        #expect(config.logDirs == ["/tmp/kafka-logs"])
        #expect(config.logSegmentBytes == 1_073_741_824)
        #expect(config.logRetentionMs == 168 * 3_600_000)
        #expect(config.logRollMs == 168 * 3_600_000)
        #expect(config.logRetentionBytes == -1)
        #expect(config.offsetsTopicReplicationFactor == 3)
        #expect(config.warnings.isEmpty)
    }

    @Test func precedence_msOverMinutesOverHours_andLogDirsOverLogDir() throws {
        var values = Self.minimal
        values["log.retention.hours"] = "1"
        values["log.retention.minutes"] = "2"
        #expect(try BrokerConfig(values: values).logRetentionMs == 120_000)
        values["log.retention.ms"] = "-1"
        #expect(try BrokerConfig(values: values).logRetentionMs == -1)
        values["log.dir"] = "/x"
        #expect(try BrokerConfig(values: values).logDirs == ["/x"])
        values["log.dirs"] = "/a, /b"
        #expect(try BrokerConfig(values: values).logDirs == ["/a", "/b"])
    }

    @Test func listeners_areParsedWithTheirProtocols() throws {
        var values = Self.minimal
        values["listeners"] = "plaintext://127.0.0.1:9092,INTERNAL://[::1]:9093"
        values["advertised.listeners"] = "PLAINTEXT://localhost:9092"
        values["listener.security.protocol.map"] = "PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT"
        values["inter.broker.listener.name"] = "internal"
        let config = try BrokerConfig(values: values)
        #expect(config.listeners.map(\.description) == ["PLAINTEXT://127.0.0.1:9092", "INTERNAL://[::1]:9093"])
        #expect(config.advertisedListeners.map(\.description) == ["PLAINTEXT://localhost:9092"])
        #expect(config.interBrokerListenerName == "INTERNAL")
    }

    @Test(arguments: [
        (["broker.id": "x"], ConfigError.invalidValue(key: "broker.id", value: "x", reason: "expected a whole number")),
        (["broker.id": "-1"], .missing(key: "broker.id")),
        (["zookeeper.connect": ""], .missing(key: "zookeeper.connect")),
        (["num.io.threads": "0"], .invalidValue(key: "num.io.threads", value: "0", reason: "must be in 1...1024")),
        (["auto.create.topics.enable": "yes"],
            .invalidValue(key: "auto.create.topics.enable", value: "yes", reason: "expected true or false")),
        (["listeners": "127.0.0.1:9092"],
            .invalidValue(key: "listeners", value: "127.0.0.1:9092", reason: "'127.0.0.1:9092' is not of the form NAME://host:port")),
        (["listeners": "PLAINTEXT://h:99999"],
            .invalidValue(key: "listeners", value: "PLAINTEXT://h:99999", reason: "invalid port '99999' in 'PLAINTEXT://h:99999' (expected 0-65535)")),
        (["listeners": "FOO://h:1"],
            .invalidValue(key: "listeners", value: "FOO://h:1", reason: "listener name FOO has no security protocol in listener.security.protocol.map")),
        (["listeners": "SSL://h:1"],
            .invalidValue(key: "listeners", value: "SSL://h:1", reason: "listener SSL uses SSL; ZKafka implements PLAINTEXT only")),
        (["replica.fetch.wait.max.ms": "40000"],
            .invalidValue(key: "replica.fetch.wait.max.ms", value: "40000", reason: "must not exceed replica.lag.time.max.ms (30000)")),
    ])
    func badValues_areRejectedNamingKeyAndValue(overrides: [String: String], expected: ConfigError) {
        let values = Self.minimal.merging(overrides) { _, new in new }
        #expect(throws: expected) { try BrokerConfig(values: values) }
        #expect(expected.description.contains(overridesKey(overrides)))
    }

    @Test func unknownAndIgnoredKeys_areWarned() throws {
        var values = Self.minimal
        values["no.such.key"] = "1"
        values["log.preallocate"] = "false"
        let warnings = try BrokerConfig(values: values).warnings
        #expect(warnings == [
            "configuration 'log.preallocate' is a Kafka setting that ZKafka does not implement; it is ignored",
            "configuration 'no.such.key' was supplied but isn't a known config",
        ])
    }
}

private func overridesKey(_ overrides: [String: String]) -> String { overrides.keys.first ?? "" }
