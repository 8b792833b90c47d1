import ArgumentParser
import Foundation
import KafkaClient
import KafkaConsoleTools

/// `zkafka console-consumer`: Kafka's `kafka-console-consumer.sh`. Without `--group` it reads one
/// partition (`--partition`) or all of the topic's partitions by manual assignment, from the end
/// unless `--from-beginning` or `--offset`; with `--group` it joins that consumer group and reads
/// the partitions the group assigns it, from the group's committed offsets. It prints each record with `DefaultMessageFormatter`'s layout;
/// it stops after `--max-messages`, after `--timeout-ms` without a new record, or on Ctrl-C, and
/// then prints `Processed a total of N messages` on stderr.
struct ConsoleConsumerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console-consumer",
        abstract: "Print a topic's records, like kafka-console-consumer.sh (manual assignment, or a group with --group).",
        discussion: """
            Formatter properties (--property): print.key, print.offset, print.partition, print.timestamp, \
            print.headers, print.value, key.separator (default tab), line.separator, headers.separator, \
            null.literal. --offset (earliest, latest or a number) needs --partition.
            """
    )

    @Option(name: .customLong("bootstrap-server"), help: "Brokers to bootstrap from: HOST:PORT[,HOST:PORT...].")
    var bootstrapServer: String

    @Option(help: "The topic to consume.")
    var topic: String

    @Flag(name: .customLong("from-beginning"), help: "Start at the earliest offset instead of the end.")
    var fromBeginning = false

    @Option(help: "Consume this partition only.")
    var partition: Int32?

    @Option(help: "With --partition: earliest, latest or an offset.")
    var offset: String?

    @Option(help: "Join this consumer group (subscribe): the group assigns partitions and keeps the offsets.")
    var group: String?

    @Option(name: .customLong("property"), help: "A formatter property key=value; repeatable.")
    var properties: [String] = []

    @Option(name: .customLong("consumer-property"), help: "A consumer property key=value; repeatable.")
    var consumerProperties: [String] = []

    @Option(name: .customLong("max-messages"), help: "Exit after this many records.")
    var maxMessages: Int?

    @Option(name: .customLong("timeout-ms"), help: "Exit when no record arrives for this long.")
    var timeoutMs: Int?

    func settings() throws -> ConsoleConsumerSettings {
        do {
            _ = try BrokerAddress.parseList(bootstrapServer)
            return try ConsoleConsumerSettings.parse(
                fromBeginning: fromBeginning, partition: partition, offset: offset, properties: properties,
                consumerProperties: consumerProperties, maxMessages: maxMessages, timeoutMs: timeoutMs)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func validate() throws {
        _ = try settings()
        if group != nil && (partition != nil || offset != nil) {
            throw ValidationError("Options group and partition/offset cannot be specified together.")
        }
        if let group, group.isEmpty { throw ValidationError("--group must not be empty") }
    }

    func run() async throws {
        let settings = try settings()
        var processed = 0
        let output = FileHandle.standardOutput
        do {
            var config = settings.consumer
            if let group {
                config.groupID = group
                // Where the group has no committed offset: --from-beginning or the end (Kafka's console consumer).
                config.autoOffsetReset = fromBeginning ? .earliest : .latest
            }
            let consumer = try KafkaConsumer(bootstrapServers: bootstrapServer, config: config)
            let partitions: [TopicPartitionKey]
            if group != nil {
                try await consumer.subscribe([topic])
                partitions = []
            } else if let partition = settings.partition {
                partitions = [TopicPartitionKey(topic: topic, partition: partition)]
            } else {
                partitions = try await consumer.partitions(of: topic)
            }
            if group == nil {
                try await consumer.assign(partitions)
            }
            switch group == nil ? settings.start : nil {
            case nil: break
            case .earliest: await consumer.seek(partitions, to: .earliest)
            case .latest: await consumer.seek(partitions, to: .latest)
            case .offset(let offset): await consumer.seek(partitions[0], to: offset)
            }
            let idleLimit: Duration? = settings.timeoutMs.map { .milliseconds($0) }
            var lastRecord = ContinuousClock.now
            consuming: while true {
                let wait = idleLimit.map { max(.zero, min(.seconds(1), $0 - (ContinuousClock.now - lastRecord))) } ?? .seconds(1)
                let records = try await consumer.poll(timeout: wait)
                if records.isEmpty {
                    if let idleLimit, ContinuousClock.now - lastRecord >= idleLimit { break }
                    continue
                }
                lastRecord = ContinuousClock.now
                var chunk: [UInt8] = []
                for record in records {
                    chunk += settings.formatter.format(record)
                    processed += 1
                    if let maxMessages = settings.maxMessages, processed >= maxMessages {
                        output.write(Data(chunk))
                        break consuming
                    }
                }
                output.write(Data(chunk))
            }
            await consumer.close()
        } catch {
            ConsoleProducerCommand.report("ERROR \(error)")
            ConsoleProducerCommand.report("Processed a total of \(processed) messages")
            throw ExitCode.failure
        }
        ConsoleProducerCommand.report("Processed a total of \(processed) messages")
    }
}
