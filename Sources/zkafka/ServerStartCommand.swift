import ArgumentParser
import CoreMetrics
import Foundation
import KafkaConfig
import KafkaMetrics
import KafkaRaftServer
import KafkaServer
import Logging

/// `zkafka server-start CONFIG [--override key=value ...]`: runs one ZooKeeper-mode broker in the
/// foreground, like Kafka's `kafka-server-start.sh`. SIGTERM or SIGINT shut it down cleanly. A
/// CONFIG with `process.roles` is a KRaft node (Kafka 3.3's `KafkaRaftServer`) instead.
struct ServerStartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server-start",
        abstract: "Run a ZooKeeper-mode broker, or a KRaft node, from a Kafka-style server.properties.",
        discussion: """
            Reads CONFIG (broker.id, listeners, advertised.listeners, zookeeper.connect, log.dirs, ...). \
            Unknown keys are warned about; bad values stop the broker with a message naming the key and \
            the value. Each --override key=value replaces one property. With process.roles (broker, \
            controller, or both) CONFIG describes a KRaft node instead: node.id, controller.quorum.voters, \
            controller.listener.names, and storage formatted by `zkafka storage format`.
            """
    )

    @Argument(help: "Path of the server.properties file.")
    var configArgument: String?

    @Option(name: .customLong("config"), help: "Path of the server.properties file (instead of the argument).")
    var configOption: String?

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
            let values = try ServerProperties.load(path: config, overrides: overrides)
            if ServerProperties.isKRaft(values) {
                let kraftConfig = try KRaftConfig(values: values)
                if kraftConfig.processRoles == [.broker] {
                    try await runKRaftBroker(KRaftBrokerConfig(values: values), logger: logger)
                } else if kraftConfig.isBroker {
                    try await runKRaftNode(kraftConfig, broker: KRaftBrokerConfig(values: values), logger: logger)
                } else {
                    try await runKRaftNode(kraftConfig, logger: logger)
                }
                return
            }
            brokerConfig = try BrokerConfig(values: values)
        } catch let error as ConfigError {
            throw ValidationError("\(error)")
        }
        for warning in brokerConfig.warnings { logger.warning("\(warning)") }
        // One broker per process here: the process-wide MetricsSystem records into the broker's registry too,
        // so libraries that use the global factory end up on its /metrics (bootstrapped once, as it must be).
        let metrics = KafkaMetricsRegistry(constantDimensions: [("broker", "\(brokerConfig.brokerID)")])
        MetricsSystem.bootstrap(metrics.factory)
        let server = BrokerServer(config: brokerConfig, metrics: metrics)
        try await GracefulServer.run("KafkaServer", logger: logger) {
            try await server.startup()
        } stop: {
            await server.shutdown()
        }
    }

    func validate() throws {
        guard (configArgument == nil) != (configOption == nil) else {
            throw ValidationError("give the server.properties path once, either as the argument or with --config")
        }
    }

    private var config: String { configOption ?? configArgument ?? "" }

    /// A KRaft node: its storage must be formatted (`KafkaRaftServer.initializeLogDirs`).
    private func runKRaftNode(_ kraftConfig: KRaftConfig, broker: KRaftBrokerConfig? = nil, logger: Logger) async throws {
        for warning in broker?.warnings ?? kraftConfig.warnings { logger.warning("\(warning)") }
        let clusterID: String
        do {
            clusterID = try KRaftStorage.checkFormatted(config: kraftConfig)
        } catch {
            logger.error("Exiting Kafka due to fatal exception: \(error)")
            throw ExitCode.failure
        }
        try await KRaftNodeRunner.run(config: kraftConfig, clusterID: clusterID, logger: logger, broker: broker)
    }
}

extension ServerStartCommand {
    /// A KRaft broker (`process.roles=broker`): formatted storage, then Kafka 3.3's `BrokerServer`
    /// until SIGTERM or SIGINT, which start a controlled shutdown through the heartbeats.
    func runKRaftBroker(_ brokerConfig: KRaftBrokerConfig, logger: Logger) async throws {
        for warning in brokerConfig.warnings { logger.warning("\(warning)") }
        let clusterID: String
        do {
            clusterID = try KRaftStorage.checkFormatted(config: brokerConfig.kraft)
        } catch {
            logger.error("Exiting Kafka due to fatal exception: \(error)")
            throw ExitCode.failure
        }
        let server = KRaftBrokerServer(config: brokerConfig, clusterID: clusterID)
        // A SIGTERM while the broker still registers or catches up stops it too: the start-up is cancelled.
        try await GracefulServer.run("broker", logger: logger, cancelStartOnSignal: true) {
            try await server.startup()
        } stop: {
            await server.shutdown()
        }
    }
}
