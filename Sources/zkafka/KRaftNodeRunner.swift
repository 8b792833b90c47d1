import ArgumentParser
import ControllerTraceFile
import Foundation
import KafkaConfig
import KafkaController
import KafkaQuorumController
import KafkaNetwork
import KafkaRaftServer
import KafkaServer
import Logging
import Synchronization

/// Runs a formatted KRaft controller or combined node (Kafka 3.3's `KafkaRaftServer.startup`) as a
/// swift-service-lifecycle service, like every other server process here (``GracefulServer``): SIGTERM or SIGINT
/// stops it cleanly and the process exits 0.
enum KRaftNodeRunner {
    /// With `broker` (a combined node, `process.roles=broker,controller`), a `KRaftBrokerServer` shares
    /// the controller's Raft member and serves the other listeners (Kafka 3.3's combined mode).
    static func run(config: KRaftConfig, clusterID: String, logger: Logger, broker brokerConfig: KRaftBrokerConfig? = nil) async throws {
        let supported = config.processRoles == [.controller] || (brokerConfig != nil && config.isController)
        guard supported, let listener = config.controllerListener else {
            let roles = config.processRoles.sorted().map(\.rawValue).joined(separator: ",")
            logger.error("process.roles=\(roles) is not implemented yet: ZKafka runs KRaft controllers only (process.roles=controller)")
            throw ExitCode.failure
        }
        logger.info("Starting controller \(config.nodeID) of cluster \(clusterID)")
        let node = try KRaftControllerNode(
            config: config, listener: listener, clusterID: clusterID, broker: brokerConfig, logger: logger)
        // A combined node's broker may still be registering or catching up when the signal comes: its start-up is
        // cancelled then, as a KRaft broker's is, and the node stops.
        try await GracefulServer.run("KafkaRaftServer", logger: logger, cancelStartOnSignal: brokerConfig != nil) {
            try await node.startup()
        } stop: {
            await node.shutdown()
        }
    }
}

/// The parts of a KRaft node with the controller role (Kafka 3.3's `KafkaRaftServer` with its `ControllerServer`
/// and, combined, its `BrokerServer`): the quorum member, the quorum controller on top of it, the controller
/// listener, the optional metrics endpoint and the broker that shares the member.
final class KRaftControllerNode: Sendable {
    let config: KRaftConfig
    let listener: Listener
    let logger: Logger
    let raft: RaftQuorumNode
    let controller: QuorumControllerNode
    let socketServer: SocketServer
    let broker: KRaftBrokerServer?
    let trace: JSONLinesControllerTraceSink?
    /// Set by `startup` once the endpoint listens, closed by `shutdown`.
    private let metrics = Mutex<PrometheusTextEndpoint?>(nil)

    init(config: KRaftConfig, listener: Listener, clusterID: String, broker brokerConfig: KRaftBrokerConfig?, logger: Logger) throws {
        self.config = config
        self.listener = listener
        self.logger = logger
        raft = RaftQuorumNode(
            config: config, clusterID: clusterID, logger: Logger(label: "kafka.raft.KafkaRaftClient")
        ) { reason in
            // The Raft thread dies on a safety violation; the process goes with it, as in Kafka.
            FileHandle.standardError.write(Data("Raft halted: \(reason)\n".utf8))
            exit(1)
        }
        let trace = try? JSONLinesControllerTraceSink(logDirectory: config.logDirs[0])
        self.trace = trace
        controller = QuorumControllerNode(
            nodeID: config.nodeID,
            settings: .init(
                controller: QuorumControllerConfig(
                    brokerHeartbeatIntervalMs: config.brokerHeartbeatIntervalMs,
                    brokerSessionTimeoutMs: config.brokerSessionTimeoutMs,
                    defaultReplicationFactor: config.defaultReplicationFactor, defaultNumPartitions: config.numPartitions,
                    uncleanLeaderElectionEnable: config.uncleanLeaderElectionEnable),
                maxBytesBetweenSnapshots: Int(clamping: config.metadataMaxBytesBetweenSnapshots)),
            logger: Logger(label: "kafka.controller.QuorumController"), trace: trace)
        socketServer = try SocketServer(
            configuration: SocketServerConfiguration(
                listeners: [.init(name: listener.name, host: listener.bindHost, port: listener.port)],
                numNetworkThreads: 1, numIOThreads: 2),
            handler: QuorumControllerRequestHandler(controller: controller, quorum: RaftQuorumRequestHandler(node: raft)),
            logger: Logger(label: "kafka.network.SocketServer"))
        broker = brokerConfig.map { KRaftBrokerServer(config: $0, clusterID: clusterID) }
    }

    /// Starts the member with the controller on it and opens the controller listener; a combined node's broker
    /// starts first and starts them once its own listener is registered with the member.
    func startup() async throws {
        if let broker {
            try await broker.startup(sharedRaft: .init(node: raft) { [self] in
                try controller.start(on: raft)
                try await socketServer.start()
            })
        } else {
            try controller.start(on: raft)
            try await socketServer.start()
        }
        // zkafka.metrics.port, as on ZooKeeper-mode brokers: the KRaft gauges at GET /metrics. A combined node's
        // port serves the broker's metrics instead (one port, one endpoint).
        if let port = config.metricsPort, broker == nil {
            let endpoint = try await PrometheusTextEndpoint.start(host: listener.bindHost, port: port) { [controller] in
                let snapshot = await withCheckedContinuation { continuation in
                    controller.metrics { continuation.resume(returning: $0) }
                }
                return snapshot.map(KRaftMetricsExposition.render) ?? ""
            }
            metrics.withLock { $0 = endpoint }
            logger.info("Metrics endpoint listening on http://\(listener.bindHost):\(endpoint.port)/metrics")
        }
        logger.info("[KafkaRaftServer nodeId=\(config.nodeID)] Kafka Server started")
    }

    /// Stops whatever `startup` got to (also after it failed or was cancelled part way).
    func shutdown() async {
        logger.info("[KafkaRaftServer nodeId=\(config.nodeID)] shutting down")
        // The broker first: its controlled shutdown needs the quorum.
        await broker?.shutdown()
        await metrics.withLock { endpoint in defer { endpoint = nil }; return endpoint }?.close()
        await socketServer.shutdown()
        controller.shutdown()
        await raft.shutdown()
        trace?.close()
        logger.info("[KafkaRaftServer nodeId=\(config.nodeID)] shut down completed")
    }
}

extension Listener {
    /// Where to bind: an empty host means every interface (as Kafka's `listeners=CONTROLLER://:9093`).
    fileprivate var bindHost: String { host.isEmpty ? "0.0.0.0" : host }
}
