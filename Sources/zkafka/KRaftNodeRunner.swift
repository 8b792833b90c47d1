import ArgumentParser
import Foundation
import KafkaConfig
import KafkaController
import KafkaQuorumController
import KafkaNetwork
import KafkaRaftServer
import Logging
import Synchronization

/// Runs a formatted KRaft node until SIGTERM or SIGINT (Kafka 3.3's `KafkaRaftServer.startup`):
/// for `process.roles=controller`, the quorum member on the controller listener and nothing else.
enum KRaftNodeRunner {
    static func run(config: KRaftConfig, clusterID: String, logger: Logger) async throws {
        guard config.processRoles == [.controller], let listener = config.controllerListener else {
            let roles = config.processRoles.sorted().map(\.rawValue).joined(separator: ",")
            logger.error("process.roles=\(roles) is not implemented yet: ZKafka runs KRaft controllers only (process.roles=controller)")
            throw ExitCode.failure
        }
        logger.info("Starting controller \(config.nodeID) of cluster \(clusterID)")
        let node = RaftQuorumNode(
            config: config, clusterID: clusterID, logger: Logger(label: "kafka.raft.KafkaRaftClient")
        ) { reason in
            // The Raft thread dies on a safety violation; the process goes with it, as in Kafka.
            FileHandle.standardError.write(Data("Raft halted: \(reason)\n".utf8))
            exit(1)
        }
        let trace = try? JSONLinesControllerTraceSink(logDirectory: config.logDirs[0])
        let controller = QuorumControllerNode(
            nodeID: config.nodeID,
            settings: .init(
                controller: QuorumControllerConfig(
                    brokerHeartbeatIntervalMs: config.brokerHeartbeatIntervalMs,
                    brokerSessionTimeoutMs: config.brokerSessionTimeoutMs,
                    defaultReplicationFactor: config.defaultReplicationFactor, defaultNumPartitions: config.numPartitions,
                    uncleanLeaderElectionEnable: config.uncleanLeaderElectionEnable),
                maxBytesBetweenSnapshots: Int(clamping: config.metadataMaxBytesBetweenSnapshots)),
            logger: Logger(label: "kafka.controller.QuorumController"), trace: trace)
        let server = try SocketServer(
            configuration: SocketServerConfiguration(
                listeners: [.init(name: listener.name, host: listener.host.isEmpty ? "0.0.0.0" : listener.host, port: listener.port)],
                numNetworkThreads: 1, numIOThreads: 2),
            handler: QuorumControllerRequestHandler(controller: controller, quorum: RaftQuorumRequestHandler(node: node)), logger: Logger(label: "kafka.network.SocketServer"))
        let metrics = MetricsEndpointBox()
        try await GracefulServer.run(logger: logger) {
            do {
                try controller.start(on: node)
                try await server.start()
                if let port = config.metricsPort {
                    // zkafka.metrics.port, as on ZooKeeper-mode brokers: the KRaft gauges at GET /metrics.
                    let endpoint = try await PrometheusTextEndpoint.start(
                        host: listener.host.isEmpty ? "0.0.0.0" : listener.host, port: port
                    ) { [controller] in
                        let snapshot = await withCheckedContinuation { continuation in
                            controller.metrics { continuation.resume(returning: $0) }
                        }
                        return snapshot.map(KRaftMetricsExposition.render) ?? ""
                    }
                    metrics.endpoint.withLock { $0 = endpoint }
                    logger.info("Metrics endpoint listening on http://\(listener.host.isEmpty ? "0.0.0.0" : listener.host):\(endpoint.port)/metrics")
                }
            } catch {
                logger.error("Fatal error during KafkaRaftServer startup. Prepare to shutdown: \(error)")
                await metrics.endpoint.withLock { $0 }?.close()
                await server.shutdown()
                await node.shutdown()
                throw ExitCode.failure
            }
            logger.info("[KafkaRaftServer nodeId=\(config.nodeID)] Kafka Server started")
        } stop: {
            logger.info("[KafkaRaftServer nodeId=\(config.nodeID)] shutting down")
            await metrics.endpoint.withLock { $0 }?.close()
            await server.shutdown()
            await node.shutdown()
            trace?.close()
            logger.info("[KafkaRaftServer nodeId=\(config.nodeID)] shut down completed")
        }
    }
}

/// The controller's metrics endpoint, started by the start-up step and closed by the stop step.
private final class MetricsEndpointBox: Sendable {
    let endpoint = Mutex<PrometheusTextEndpoint?>(nil)
}
