import Testing
@testable import KafkaConfig

/// `inter.broker.protocol.version` as Kafka 2.8's `ApiVersion.apply` reads it, and the one decision it drives here.
@Suite(.tags(.unit)) struct InterBrokerProtocolVersionTests {
    @Test func shortAndFullForms_mapToKafkasVersions() {
        #expect(InterBrokerProtocolVersion.parse("2.8")?.version == "2.8-IV1")
        #expect(InterBrokerProtocolVersion.parse("2.8.1")?.version == "2.8-IV1")
        #expect(InterBrokerProtocolVersion.parse("2.7")?.version == "2.7-IV2")
        #expect(InterBrokerProtocolVersion.parse("2.7-IV1")?.version == "2.7-IV1")
        #expect(InterBrokerProtocolVersion.parse("2.6")?.version == "2.6-IV0")
        #expect(InterBrokerProtocolVersion.parse("0.10.0")?.version == "0.10.0-IV1")
        #expect(InterBrokerProtocolVersion.parse("0.10.0-IV0")?.version == "0.10.0-IV0")
        #expect(InterBrokerProtocolVersion.parse("0.8.2.1")?.version == "0.8.2")
        #expect(InterBrokerProtocolVersion.parse("1.1")?.version == "1.1-IV0")
        for bad in ["3.0", "2.9", "2", "", "abc", "2.8-IV2", "0.10"] {
            #expect(InterBrokerProtocolVersion.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func alterIsr_startsAt27IV2() {
        #expect(InterBrokerProtocolVersion.latest.isAlterIsrSupported)
        #expect(InterBrokerProtocolVersion.parse("2.7")!.isAlterIsrSupported)
        #expect(!InterBrokerProtocolVersion.parse("2.7-IV1")!.isAlterIsrSupported)
        #expect(!InterBrokerProtocolVersion.parse("2.6")!.isAlterIsrSupported)
        #expect(!InterBrokerProtocolVersion.parse("0.11.0")!.isAlterIsrSupported)
    }

    @Test func brokerConfig_defaultsTo28_andNamesTheKeyOfABadValue() throws {
        let minimal = ["broker.id": "1", "zookeeper.connect": "localhost:2181"]
        #expect(try BrokerConfig(values: minimal).interBrokerProtocolVersion == .latest)
        var old = minimal
        old["inter.broker.protocol.version"] = "2.6"
        #expect(try BrokerConfig(values: old).interBrokerProtocolVersion.isAlterIsrSupported == false)
        var bad = minimal
        bad["inter.broker.protocol.version"] = "3.0"
        do {
            _ = try BrokerConfig(values: bad)
            Issue.record("inter.broker.protocol.version=3.0 was accepted")
        } catch {
            #expect("\(error)".contains("'inter.broker.protocol.version'") && "\(error)".contains("'3.0'"), "\(error)")
        }
    }
}
