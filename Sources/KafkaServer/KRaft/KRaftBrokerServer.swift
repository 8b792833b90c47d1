import Foundation
import KafkaBroker
import KafkaConfig
import KafkaLog
import KafkaModel
import KafkaNetwork
import KafkaProtocol
import KafkaRaftProtocol
import KafkaRaftServer
import KafkaMetrics
import Logging

/// One KRaft-mode broker process (Kafka 3.3's `BrokerServer`): the same broker as ZooKeeper mode
/// (`BrokerFrontEnd`, `ReplicaManager`, logs, groups), fed by the metadata log instead of the
/// ZooKeeper-mode controller's requests. Startup, in Kafka's order:
///
/// 1. load the logs; start the Raft observer on `__cluster_metadata` (Fetch to the voters with
///    replicaId = node.id) and the metadata listener;
/// 2. register with the active controller (BrokerRegistration) and heartbeat, fenced, until the
///    controller says the broker caught up (`initialCatchUpFuture`) and it published the metadata
///    up to its own registration;
/// 3. open the listeners (`socketServer.startProcessingRequests`), then ask to be unfenced.
///
/// Shutdown (SIGTERM): controlled shutdown through heartbeats (wantShutDown until shouldShutDown),
/// then the network, the replica manager and the logs.
public final class KRaftBrokerServer: @unchecked Sendable {
    public let config: KRaftBrokerConfig
    public let clusterID: String
    let logger: Logger
    // Set during `startup`, read by `shutdown`; both run on the caller's task in order.
    private var raft: RaftQuorumNode?
    private var listener: BrokerMetadataListener?
    private var listenerTask: Task<Void, Never>?
    private var lifecycle: BrokerLifecycleService?
    /// Kafka 3.3's three broker-to-controller channels, each its own connection: heartbeats ("heartbeat"),
    /// AlterPartition ("alter-partition") and forwarded admin requests ("forwarding"). The controller answers a
    /// connection's requests in order, so a CreateTopics of thousands of partitions on a shared connection held
    /// back the heartbeats behind it; a heartbeat timing out closed the connection and failed the creation too.
    private var channels: [ControllerChannel] = []
    private var alterPartitionManager: IsrChangeManager?
    private var socketServer: SocketServer?
    private var front: BrokerFrontEnd?
    private var replicaManager: ReplicaManager?
    private var metricsEndpoint: MetricsEndpoint?
    /// Where the broker records (swift-metrics, exposed in Prometheus format), labelled `broker="<id>"`.
    public let metrics: KafkaMetricsRegistry

    public init(
        config: KRaftBrokerConfig, clusterID: String, logger: Logger = Logger(label: "kafka.server.BrokerServer"),
        metrics: KafkaMetricsRegistry? = nil
    ) {
        self.config = config
        self.clusterID = clusterID
        self.logger = logger
        self.metrics = metrics ?? KafkaMetricsRegistry(constantDimensions: [("broker", "\(config.nodeID)")])
    }

    /// A combined node (`process.roles=broker,controller`) shares its controller's Raft member: pass
    /// it, and `startRaft` starts it (with the controller's state machine) once the broker's listener is
    /// registered. The caller shuts the shared member down after ``shutdown()``.
    public struct SharedRaft: Sendable {
        public var node: RaftQuorumNode
        public var start: @Sendable () async throws -> Void
        public init(node: RaftQuorumNode, start: @escaping @Sendable () async throws -> Void) {
            self.node = node
            self.start = start
        }
    }

    public func startup(sharedRaft: SharedRaft? = nil) async throws {
        let id = config.nodeID
        let broker = config.broker
        logger.info("[BrokerServer id=\(id)] Transition from SHUTDOWN to STARTING")
        try LogDirectories.prepare(broker.logDirs)
        let logManager = try LogManager(
            logDirs: broker.logDirs, config: TopicLogConfig.brokerDefaults(broker), logger: Logger(label: "kafka.log.LogManager"),
            nowMs: { ReplicaManager.nowMs() })
        logManager.startBackgroundTasks(
            retentionCheckIntervalMs: broker.logRetentionCheckIntervalMs, flushCheckIntervalMs: broker.logFlushSchedulerIntervalMs,
            checkpointIntervalMs: broker.logFlushOffsetCheckpointIntervalMs)
        if broker.logCleanerEnable {
            logManager.startLogCleaner(
                CleanerConfig(
                    enable: true, numThreads: broker.logCleanerThreads, dedupeBufferSize: broker.logCleanerDedupeBufferSize,
                    dedupeBufferLoadFactor: broker.logCleanerIoBufferLoadFactor, backoffMs: broker.logCleanerBackoffMs))
        }
        let replicaManager = ReplicaManager(
            brokerID: id, config: broker, logManager: logManager, logger: Logger(label: "kafka.server.ReplicaManager"))
        self.replicaManager = replicaManager

        // The Raft observer, and the channel to whichever voter leads (the active controller).
        let raft = sharedRaft?.node
            ?? RaftQuorumNode(config: config.kraft, clusterID: clusterID, logger: Logger(label: "kafka.raft.KafkaRaftClient")) { reason in
                FileHandle.standardError.write(Data("Raft halted: \(reason)\n".utf8))
                exit(1)
            }
        if sharedRaft == nil { self.raft = raft }
        let kraft = config.kraft
        let makeChannel = { (purpose: String) in
            ControllerChannel(
                voters: kraft.quorumVoters, nodeID: id, requestTimeoutMs: kraft.requestTimeoutMs, purpose: purpose,
                leader: { [weak raft] in raft?.currentLeader.id })
        }
        let channel = makeChannel("heartbeat-channel")
        let alterPartitionChannel = makeChannel("alter-partition-channel")
        let forwardingChannel = makeChannel("forwarding-channel")
        channels = [channel, alterPartitionChannel, forwardingChannel]
        let view = KRaftMetadataView()
        let alterPartitionManager = IsrChangeManager(
            transport: AlterPartitionTransport(brokerID: id, channel: alterPartitionChannel, view: view),
            retryBackoffMs: config.kraft.retryBackoffMs, logger: Logger(label: "kafka.server.AlterPartitionManager"))
        alterPartitionManager.start()
        self.alterPartitionManager = alterPartitionManager
        replicaManager.attach(stateWriter: alterPartitionManager)
        replicaManager.attach(isrEligibility: { [view] follower in
            view.image.state.brokers[follower].map { !$0.fenced && !$0.inControlledShutdown } ?? false
        })
        replicaManager.startup()

        let front = BrokerFrontEnd(
            config: broker, clusterID: clusterID, replicaManager: replicaManager,
            topicAdministration: ForwardingTopicAdministration(
                channel: forwardingChannel, view: view, timeoutMs: 30_000,
                attemptTimeout: .milliseconds(broker.controllerSocketTimeoutMs)),
            logger: Logger(label: "kafka.server.KafkaApis"))
        self.front = front

        let registration = BrokerRegistrationRequest(
            brokerId: id, clusterId: clusterID, incarnationId: Self.randomIncarnationID(),
            listeners: broker.advertisedListeners.map { listener in
                .init(
                    name: listener.name, host: listener.host.isEmpty ? ProcessInfo.processInfo.hostName : listener.host,
                    port: UInt16(clamping: listener.port), securityProtocol: 0)
            },
            // Kafka 3.3.2's broker supports metadata.version 1 (3.0-IV1) to 7 (3.3-IV3).
            features: [.init(name: "metadata.version", minSupportedVersion: 1, maxSupportedVersion: 7)],
            rack: broker.brokerRack)
        let lifecycle = BrokerLifecycleService(
            channel: channel, registration: registration, heartbeatIntervalMs: config.heartbeatIntervalMs,
            retryBackoffMs: config.kraft.retryBackoffMs, logger: Logger(label: "kafka.server.BrokerLifecycleManager"),
            onRegistered: { [view] epoch in view.brokerEpoch = epoch })
        self.lifecycle = lifecycle
        let listener = BrokerMetadataListener(
            brokerID: id, interBrokerListener: broker.interBrokerListenerName, front: front, view: view,
            logger: Logger(label: "kafka.server.metadata.BrokerMetadataListener")
        ) { [weak lifecycle] offset in lifecycle?.metadataApplied(through: offset) }
        self.listener = listener
        listenerTask = Task.detached { await listener.run() }
        raft.register(listener.raftListener)
        if let sharedRaft {
            try await sharedRaft.start()
        } else {
            try raft.start()
        }

        lifecycle.start()
        let registered = await lifecycle.wait(timeoutMs: config.initialRegistrationTimeoutMs) { $0.state != .starting }
        try Task.checkCancellation()
        guard registered else {
            throw BrokerStartupError(
                "could not register with the controller quorum \(config.kraft.quorumVoters.map(\.description).joined(separator: ",")) "
                    + "within initial.broker.registration.timeout.ms (\(config.initialRegistrationTimeoutMs) ms)")
        }
        try Task.checkCancellation()
        view.brokerEpoch = lifecycle.lifecycle.brokerEpoch
        logger.info("[BrokerServer id=\(id)] Transition from STARTING to RECOVERY (broker epoch \(view.brokerEpoch))")
        // initialCatchUpFuture: the controller says this broker's metadata offset reached its registration.
        _ = await lifecycle.wait(timeoutMs: Int64.max / 2) { $0.caughtUp || $0.state == .shuttingDown }
        try Task.checkCancellation()

        // Kafka enables the listeners once caught up, then asks to be unfenced.
        let socketServer = try SocketServer(
            configuration: SocketServerConfiguration(
                listeners: broker.listeners.map { .init(name: $0.name, host: $0.host.isEmpty ? "0.0.0.0" : $0.host, port: $0.port) },
                numNetworkThreads: broker.numNetworkThreads, numIOThreads: broker.numIOThreads,
                socketRequestMaxBytes: broker.socketRequestMaxBytes, connectionsMaxIdleMs: broker.connectionsMaxIdleMs,
                queuedMaxRequests: broker.queuedMaxRequests, socketSendBufferBytes: broker.socketSendBufferBytes,
                socketReceiveBufferBytes: broker.socketReceiveBufferBytes),
            handler: front.requestHandler, logger: Logger(label: "kafka.network.SocketServer"))
        let bound = try await socketServer.start()
        self.socketServer = socketServer
        logger.info("Listening on \(bound.map { "\($0.name)://\($0.host):\($0.port)" }.joined(separator: ","))")

        _ = await lifecycle.wait(timeoutMs: Int64.max / 2) { $0.state == .running || $0.state == .shuttingDown }
        try Task.checkCancellation()
        logger.info("[BrokerServer id=\(id)] Transition from RECOVERY to RUNNING")

        let brokerMetrics = BrokerMetrics(factory: metrics.factory)
        metrics.onCollect { [weak front] in
            brokerMetrics.record(
                BrokerMetricsSnapshot(
                    replication: replicaManager.replicationMetrics, fetchSessions: front?.fetchSessionMetrics ?? .init(),
                    cleaner: logManager.cleaner?.gauges, groups: front?.groupMetrics ?? .init()))
        }
        metricsEndpoint = try await MetricsEndpoint.start(for: broker, registry: metrics, logger: logger)
        logger.info("[BrokerServer id=\(id)] started (kafka.server.BrokerServer)")
    }

    /// Kafka 3.3's `BrokerServer.shutdown`: controlled shutdown through the heartbeats first (the
    /// controller moves leaderships away and answers shouldShutDown), then everything else.
    public func shutdown() async {
        let id = config.nodeID
        logger.info("[BrokerServer id=\(id)] Transition from RUNNING to PENDING_CONTROLLED_SHUTDOWN")
        if let lifecycle {
            lifecycle.beginControlledShutdown()
            // Kafka waits for the controller's answer without a bound but for the process's; bound it by the
            // session timeout, past which the controller fences the broker anyway.
            let done = await lifecycle.wait(timeoutMs: 30_000) { $0.state == .shuttingDown }
            if !done { logger.warning("The controller did not confirm the controlled shutdown in time; shutting down anyway") }
            lifecycle.stop()
        }
        await metricsEndpoint?.close()
        front?.shutdownGroupCoordinator()
        await socketServer?.shutdown()
        await replicaManager?.shutdown()
        await alterPartitionManager?.shutdown()
        listener?.finish()
        await raft?.shutdown()
        for channel in channels { await channel.close() }
        logger.info("[BrokerServer id=\(id)] shut down completed")
    }

    /// A version-4 random UUID (Kafka's `Uuid.randomUuid()`), the process's incarnation id.
    static func randomIncarnationID() -> KafkaUUID {
        KafkaUUID(mostSignificantBits: UInt64.random(in: 0...UInt64.max) & ~0xF000 | 0x4000,
                  leastSignificantBits: UInt64.random(in: 0...UInt64.max) & ~(0xC << 60) | (0x8 << 60))
    }
}
