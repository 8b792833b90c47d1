import KafkaClient
import KafkaConsoleTools
import KafkaProtocol
import Testing

@Suite(.tags(.unit)) struct ConsoleToolsTests {
    @Test func bootstrapServersParseAndRejectBadEntries() throws {
        #expect(try BrokerAddress.parseList("a:1, b:9092") == [BrokerAddress(host: "a", port: 1), BrokerAddress(host: "b", port: 9092)])
        #expect(try BrokerAddress.parseList("[::1]:9092") == [BrokerAddress(host: "::1", port: 9092)])
        for bad in ["", "localhost", "host:0", "host:70000", ":9092", "a:1,b"] {
            #expect(throws: KafkaClientError.self) { try BrokerAddress.parseList(bad) }
        }
    }

    @Test func producerSettingsFollowKafkasConsoleProducer() throws {
        let defaults = try ConsoleProducerSettings.parse(
            properties: [], producerProperties: [], acks: nil, requestTimeoutMs: nil, lingerMs: nil)
        #expect(defaults.producer.acks == 1)
        #expect(defaults.producer.requestTimeoutMs == 1500)
        #expect(!defaults.parseKey)

        let settings = try ConsoleProducerSettings.parse(
            properties: ["parse.key=true", "key.separator=:"], producerProperties: ["acks=all", "linger.ms=5"],
            acks: "1", requestTimeoutMs: 2000, lingerMs: nil)
        #expect(settings.producer.acks == -1)  // --producer-property wins over --request-required-acks
        #expect(settings.producer.lingerMs == 5)
        #expect(settings.producer.requestTimeoutMs == 2000)
        let (key, value) = try settings.record(fromLine: "user-1:hello:world", lineNumber: 1)
        #expect(key == Array("user-1".utf8))
        #expect(value == Array("hello:world".utf8))
        #expect(throws: KafkaClientError.self) { try settings.record(fromLine: "no separator", lineNumber: 3) }

        #expect(try ConsoleProducerSettings.parse(properties: [], producerProperties: [], acks: "all", requestTimeoutMs: nil, lingerMs: nil).producer.acks == -1)
        #expect(try ConsoleProducerSettings.parse(properties: [], producerProperties: [], acks: "0", requestTimeoutMs: nil, lingerMs: nil).producer.acks == 0)
    }

    @Test func producerSettingsRejectUnknownAndBadProperties() {
        let cases: [([String], [String], String?)] = [
            (["parse.kee=true"], [], nil), (["parse.key=yes"], [], nil), (["novalue"], [], nil),
            ([], ["acks=2"], nil), ([], ["linger.ms=-1"], nil), ([], ["no.such.setting=1"], nil), ([], [], "3"),
        ]
        for (properties, producerProperties, acks) in cases {
            #expect(throws: KafkaClientError.self) {
                try ConsoleProducerSettings.parse(
                    properties: properties, producerProperties: producerProperties, acks: acks, requestTimeoutMs: nil, lingerMs: nil)
            }
        }
    }

    @Test func consumerOffsetNeedsAPartitionAndExcludesFromBeginning() throws {
        func parse(fromBeginning: Bool = false, partition: Int32? = nil, offset: String? = nil, properties: [String] = [])
            throws -> ConsoleConsumerSettings
        {
            try ConsoleConsumerSettings.parse(
                fromBeginning: fromBeginning, partition: partition, offset: offset, properties: properties,
                consumerProperties: [], maxMessages: nil, timeoutMs: nil)
        }
        #expect(throws: KafkaClientError.self) { try parse(offset: "5") }
        #expect(throws: KafkaClientError.self) { try parse(fromBeginning: true, partition: 0, offset: "5") }
        #expect(throws: KafkaClientError.self) { try parse(partition: 0, offset: "-3") }
        #expect(throws: KafkaClientError.self) { try parse(properties: ["print.colour=true"]) }
        #expect(try parse().start == .latest)
        #expect(try parse(fromBeginning: true).start == .earliest)
        #expect(try parse(partition: 1, offset: "42").start == .offset(42))
        #expect(try parse(partition: 1, offset: "earliest").start == .earliest)
    }

    @Test func formatterPrintsLikeKafkasDefaultMessageFormatter() throws {
        let record = ConsumerRecord(
            topic: "t", partition: 2, offset: 17, timestamp: 1_234, key: Array("k".utf8), value: Array("v".utf8))
        let plain = try ConsoleConsumerSettings.parse(
            fromBeginning: false, partition: nil, offset: nil, properties: [], consumerProperties: [], maxMessages: nil,
            timeoutMs: nil)
        #expect(String(decoding: plain.formatter.format(record), as: UTF8.self) == "v\n")
        let everything = try ConsoleConsumerSettings.parse(
            fromBeginning: false, partition: nil, offset: nil,
            properties: ["print.key=true", "print.offset=true", "print.partition=true", "print.timestamp=true", "key.separator=:"],
            consumerProperties: [], maxMessages: nil, timeoutMs: nil)
        #expect(String(decoding: everything.formatter.format(record), as: UTF8.self) == "CreateTime:1234:Partition:2:Offset:17:k:v\n")
        var keyless = record
        keyless.key = nil
        let keys = try ConsoleConsumerSettings.parse(
            fromBeginning: false, partition: nil, offset: nil, properties: ["print.key=true"], consumerProperties: [],
            maxMessages: nil, timeoutMs: nil)
        #expect(String(decoding: keys.formatter.format(keyless), as: UTF8.self) == "null\tv\n")
    }

    @Test func producerConfigTakesKafkaPropertyNames() throws {
        var config = ProducerConfig()
        try config.set("acks", "all")
        try config.set("batch.size", "65536")
        try config.set("compression.type", "gzip")
        #expect(config.acks == -1 && config.batchSize == 65_536 && config.compression == .gzip)
        try config.set("compression.type", "zstd")
        #expect(config.compression == .zstd)
        #expect(throws: KafkaClientError.self) { try config.set("compression.type", "brotli") }
        var consumer = ConsumerConfig()
        try consumer.set("auto.offset.reset", "earliest")
        #expect(consumer.autoOffsetReset == .earliest)
        #expect(throws: KafkaClientError.self) { try consumer.set("auto.offset.reset", "smallest") }
    }
}
