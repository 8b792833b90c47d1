import ArgumentParser
import Foundation
import KafkaClient
import KafkaConsoleTools
import Synchronization

/// `zkafka console-producer`: Kafka's `kafka-console-producer.sh`. Each stdin line is one record
/// (`--property parse.key=true` splits key and value at `key.separator`); nothing is printed on
/// success. A record that fails is reported on stderr as Kafka's `ErrorLoggingCallback` does, and
/// the exit status is then 1.
struct ConsoleProducerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console-producer",
        abstract: "Send stdin lines as records, like kafka-console-producer.sh.",
        discussion: """
            Reader properties (--property): parse.key, key.separator (default tab), ignore.error. \
            Producer properties (--producer-property): acks, linger.ms, batch.size, request.timeout.ms, \
            delivery.timeout.ms, retries, retry.backoff.ms, max.in.flight.requests.per.connection, \
            max.request.size, buffer.memory, compression.type (none, gzip, snappy, lz4, zstd), client.id.
            """
    )

    @Option(name: .customLong("bootstrap-server"), help: "Brokers to bootstrap from: HOST:PORT[,HOST:PORT...].")
    var bootstrapServer: String

    @Option(help: "The topic to produce to.")
    var topic: String

    @Option(name: .customLong("property"), help: "A reader property key=value; repeatable.")
    var properties: [String] = []

    @Option(name: .customLong("producer-property"), help: "A producer property key=value; repeatable.")
    var producerProperties: [String] = []

    @Option(name: .customLong("request-required-acks"), help: "Acks: 1 (default), all (-1) or 0.")
    var requestRequiredAcks: String?

    @Option(name: .customLong("request-timeout-ms"), help: "How long to wait for each acknowledgement (default 1500).")
    var requestTimeoutMs: Int?

    @Option(name: .customLong("timeout"), help: "linger.ms: how long a batch waits for more lines (default 1000).")
    var lingerMs: Int?

    func settings() throws -> ConsoleProducerSettings {
        do {
            _ = try BrokerAddress.parseList(bootstrapServer)
            return try ConsoleProducerSettings.parse(
                properties: properties, producerProperties: producerProperties, acks: requestRequiredAcks,
                requestTimeoutMs: requestTimeoutMs, lingerMs: lingerMs)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func validate() throws { _ = try settings() }

    func run() async throws {
        let settings = try settings()
        let producer: KafkaProducer
        do {
            producer = try KafkaProducer(bootstrapServers: bootstrapServer, config: settings.producer)
            _ = try await producer.metadata.topic(topic)
        } catch {
            Self.report("ERROR \(error)")
            throw ExitCode.failure
        }
        let failures = Mutex(0)
        let topic = self.topic
        var lineNumber = 0
        var inputError: KafkaClientError?
        for await line in StandardInputLines.stream() {
            lineNumber += 1
            do {
                let (key, value) = try settings.record(fromLine: line, lineNumber: lineNumber)
                try await producer.send(ProducerRecord(topic: topic, key: key, value: value)) { result in
                    guard case .failure(let error) = result else { return }
                    failures.withLock { $0 += 1 }
                    let keyText = key.map { String(decoding: $0, as: UTF8.self) } ?? "null"
                    Self.report(
                        "ERROR Error when sending message to topic \(topic) with key: \(key == nil ? "null" : "\(keyText.utf8.count) bytes"), "
                            + "value: \(value.count) bytes with error: \(error)")
                }
            } catch {
                inputError = error
                break
            }
        }
        await producer.close()
        if let inputError {
            Self.report("ERROR \(inputError)")
            throw ExitCode.failure
        }
        if failures.withLock({ $0 }) > 0 { throw ExitCode.failure }
    }

    static func report(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
