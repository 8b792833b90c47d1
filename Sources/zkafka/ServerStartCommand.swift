import ArgumentParser
import Dispatch
import Foundation
import KafkaConfig
import KafkaServer
import Logging

/// `zkafka server-start CONFIG [--override key=value ...]`: runs one ZooKeeper-mode broker in the
/// foreground, like Kafka's `kafka-server-start.sh`. SIGTERM or SIGINT shut it down cleanly.
struct ServerStartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server-start",
        abstract: "Run a ZooKeeper-mode broker from a Kafka-style server.properties.",
        discussion: """
            Reads CONFIG (broker.id, listeners, advertised.listeners, zookeeper.connect, log.dirs, ...). \
            Unknown keys are warned about; bad values stop the broker with a message naming the key and \
            the value. Each --override key=value replaces one property.
            """
    )

    @Argument(help: "Path of the server.properties file.")
    var config: String

    @Option(name: .customLong("override"), help: "Set one property (key=value); repeatable.")
    var overrides: [String] = []

    func run() async throws {
        HeapTuning.apply()
        let output = BufferedLogOutput(descriptor: 1)
        defer { output.flush() }
        LoggingSystem.bootstrap { label in
            var handler = BufferedLogHandler(label: label, output: output)
            handler.logLevel = ProcessInfo.processInfo.environment["ZKAFKA_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
        let logger = Logger(label: "kafka.Kafka")
        let brokerConfig: BrokerConfig
        do {
            brokerConfig = try BrokerConfig.load(path: config, overrides: overrides)
        } catch {
            throw ValidationError("\(error)")
        }
        for warning in brokerConfig.warnings { logger.warning("\(warning)") }
        let server = BrokerServer(config: brokerConfig)
        let stop = TerminationSignal()
        do {
            try await server.startup()
        } catch {
            logger.error("Fatal error during KafkaServer startup. Prepare to shutdown: \(error)")
            await server.shutdown()
            throw ExitCode.failure
        }
        await stop.wait()
        await server.shutdown()
    }
}

/// Waits for SIGTERM or SIGINT.
final class TerminationSignal: @unchecked Sendable {
    // The sources are kept alive for the process lifetime; they are only touched here.
    private var sources: [any DispatchSourceSignal] = []
    private let stream: AsyncStream<Int32>
    private let continuation: AsyncStream<Int32>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [continuation] in continuation.yield(signalNumber) }
            source.resume()
            sources.append(source)
        }
    }

    func wait() async {
        var iterator = stream.makeAsyncIterator()
        _ = await iterator.next()
    }
}
