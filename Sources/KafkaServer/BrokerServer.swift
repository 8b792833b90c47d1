import Foundation
import KafkaBroker
import KafkaConfig
import KafkaLog
import KafkaMetadata
import KafkaMetrics
import KafkaModel
import KafkaNetwork
import KafkaProtocol
import KafkaZooKeeperData
import Logging
import ZooKeeper
import ZooKeeperModeController

/// One ZooKeeper-mode broker process (Kafka 2.8's `KafkaServer`): connects to ZooKeeper, gets the
/// cluster id, starts the network layer, registers `/brokers/ids/<id>`, and starts the controller
/// that every broker runs. Composition only: the parts live in their own modules.
public final class BrokerServer: @unchecked Sendable {
    public let config: BrokerConfig
    let logger: Logger
    // Set during `startup`, read by `shutdown`; both run on the caller's task in order.
    private var session: ControllerSession?
    private var socketServer: SocketServer?
    private var controller: ZooKeeperModeController?
    private var sessionWatcher: Task<Void, Never>?
    /// Gives freed heap back to the OS every 10 s (`HeapTuning`).
    private var heapTrimmer: Task<Void, Never>?
    private var broker: BrokerFrontEnd?
    private var registration: BrokerRegistrationZNode?
    private var replicaManager: ReplicaManager?
    private var metricsEndpoint: MetricsEndpoint?
    /// Sends the leaders' ISR changes to the controller (`inter.broker.protocol.version` ≥ 2.7-IV2).
    private var alterIsrManager: IsrChangeManager?
    /// Kafka 2.8's `DefaultAlterIsrManager` retries a failed AlterIsr after 50 ms.
    static let alterIsrRetryBackoffMs: Int64 = 50
    /// This broker's metrics (swift-metrics into a Prometheus registry), served on `/metrics`.
    public let metrics: KafkaMetricsRegistry

    /// - Parameter metrics: where the broker records; by default a registry of its own, labelled
    ///   `broker="<id>"`, so several brokers in one process never share one.
    public init(
        config: BrokerConfig, logger: Logger = Logger(label: "kafka.server.KafkaServer"), metrics: KafkaMetricsRegistry? = nil
    ) {
        self.config = config
        self.logger = logger
        self.metrics = metrics ?? KafkaMetricsRegistry(constantDimensions: [("broker", "\(config.brokerID)")])
    }

    /// Kafka's `KafkaServer.startup`, in its order.
    public func startup() async throws {
        let id = config.brokerID
        logger.info("[KafkaServer id=\(id)] starting")
        try LogDirectories.prepare(config.logDirs)

        let zooKeeperConfiguration = ZooKeeperConfiguration(
            connectString: try ConnectString(parsing: config.zookeeperConnect),
            sessionTimeoutMilliseconds: config.zookeeperSessionTimeoutMs,
            maxInFlightRequests: config.zookeeperMaxInFlightRequests)
        logger.info("Connecting to zookeeper on \(config.zookeeperConnect)")
        let kafkaZooKeeper = try await KafkaZooKeeperClient.connect(
            zooKeeperConfiguration, connectionTimeout: .milliseconds(config.zookeeperConnectionTimeoutMs))
        let session = ControllerSession(kafkaZooKeeper)
        self.session = session
        let clusterID = try await kafkaZooKeeper.getOrCreateClusterID(proposedID: KafkaUuid.random().description)
        logger.info("Cluster ID = \(clusterID)")
        try LogDirectories.checkOrWriteMetaProperties(config.logDirs, brokerID: id, clusterID: clusterID)

        // Kafka's LogManager.startup: load every partition log, recovering those not shut down cleanly.
        let logManager: LogManager
        do {
            logManager = try LogManager(
                logDirs: config.logDirs, config: TopicLogConfig.brokerDefaults(config), logger: Logger(label: "kafka.log.LogManager"),
                nowMs: { ReplicaManager.nowMs() })
        } catch {
            logger.error("Could not load the logs in \(config.logDirs.joined(separator: ",")): \(error)")
            throw error
        }
        logManager.startBackgroundTasks(
            retentionCheckIntervalMs: config.logRetentionCheckIntervalMs, flushCheckIntervalMs: config.logFlushSchedulerIntervalMs,
            checkpointIntervalMs: config.logFlushOffsetCheckpointIntervalMs)
        if config.logCleanerEnable {
            // Kafka's LogManager.startup starts the LogCleaner when log.cleaner.enable is true.
            logManager.startLogCleaner(
                CleanerConfig(
                    enable: true, numThreads: config.logCleanerThreads, dedupeBufferSize: config.logCleanerDedupeBufferSize,
                    dedupeBufferLoadFactor: config.logCleanerIoBufferLoadFactor, backoffMs: config.logCleanerBackoffMs))
        }
        let replicaManager = ReplicaManager(
            brokerID: id, config: config, logManager: logManager, logger: Logger(label: "kafka.server.ReplicaManager"))
        let zooKeeperWriter = ZooKeeperPartitionStateWriter(session: session)
        // Before 2.7-IV2 leaders write their ISR changes to ZooKeeper themselves (Kafka's `ZkIsrManager`); from
        // then on they send AlterIsr (`DefaultAlterIsrManager`), attached once the controller exists (below).
        if !config.interBrokerProtocolVersion.isAlterIsrSupported {
            replicaManager.attach(stateWriter: zooKeeperWriter)
        }
        replicaManager.onAllLogDirsFailed {
            // Kafka's LogManager.handleLogDirFailure: "Shutdown broker because all log dirs … have failed",
            // Exit.halt(1) — no controlled shutdown, no clean-shutdown marker; the next start recovers the logs.
            exit(1)
        }
        replicaManager.startup()
        self.replicaManager = replicaManager

        let front = BrokerFrontEnd(
            config: config, clusterID: clusterID, replicaManager: replicaManager,
            topicAdministration: ZooKeeperTopicAdministration(session: session),
            logger: Logger(label: "kafka.server.KafkaApis"))
        broker = front
        let socketServer = try SocketServer(
            configuration: SocketServerConfiguration(
                listeners: config.listeners.map {
                    .init(name: $0.name, host: $0.host.isEmpty ? "0.0.0.0" : $0.host, port: $0.port)
                },
                numNetworkThreads: config.numNetworkThreads, numIOThreads: config.numIOThreads,
                socketRequestMaxBytes: config.socketRequestMaxBytes, connectionsMaxIdleMs: config.connectionsMaxIdleMs,
                queuedMaxRequests: config.queuedMaxRequests, socketSendBufferBytes: config.socketSendBufferBytes,
                socketReceiveBufferBytes: config.socketReceiveBufferBytes),
            handler: front.requestHandler, logger: Logger(label: "kafka.network.SocketServer"),
            requestMetrics: RequestMetrics(factory: metrics.factory) { ApiKey(rawValue: $0).name })
        let bound = try await socketServer.start()
        self.socketServer = socketServer
        logger.info("Listening on \(bound.map { "\($0.name)://\($0.host):\($0.port)" }.joined(separator: ","))")

        let registration = BrokerRegistrationZNode(
            id: id, endpoints: advertisedEndpoints(bound: bound), rack: config.brokerRack,
            timestamp: Int64(Date().timeIntervalSince1970 * 1000))
        self.registration = registration
        // A registration left by this broker's previous, crashed process lasts until its session
        // times out; wait that long before calling the id taken.
        let staleWait = Duration.milliseconds(config.zookeeperSessionTimeoutMs + 2_000)
        let brokerEpoch = try await kafkaZooKeeper.registerBroker(registration, staleRegistrationWait: staleWait)
        front.setBrokerEpoch(brokerEpoch)

        let controller = ZooKeeperModeController(
            configuration: ControllerConfiguration(
                brokerID: id, interBrokerListenerName: config.interBrokerListenerName,
                uncleanLeaderElectionEnable: config.uncleanLeaderElectionEnable,
                autoLeaderRebalanceEnable: config.autoLeaderRebalanceEnable,
                leaderImbalancePerBrokerPercentage: config.leaderImbalancePerBrokerPercentage,
                leaderImbalanceCheckIntervalSeconds: config.leaderImbalanceCheckIntervalSeconds,
                controllerSocketTimeoutMs: config.controllerSocketTimeoutMs, traceDirectory: config.logDirs.first,
                deleteTopicEnable: config.deleteTopicEnable),
            session: session, brokerEpoch: brokerEpoch, logger: Logger(label: "kafka.controller.KafkaController"),
            metricsFactory: metrics.factory
        ) { [weak front] in
            let epoch = try await session.current.registerBroker(registration, staleRegistrationWait: staleWait)
            front?.setBrokerEpoch(epoch)
            return epoch
        }
        self.controller = controller
        front.attach(controller: controller)
        if config.interBrokerProtocolVersion.isAlterIsrSupported {
            let channel = ControllerChannel(
                metadataCache: front.metadataCache, listenerName: config.interBrokerListenerName, nodeID: id,
                requestTimeoutMs: Int64(config.controllerSocketTimeoutMs), purpose: "alterIsrChannel")
            let manager = IsrChangeManager(
                transport: AlterIsrTransport(
                    brokerID: id, channel: channel, brokerEpoch: { [weak controller] in controller?.brokerEpoch ?? -1 },
                    zooKeeperWriter: zooKeeperWriter),
                retryBackoffMs: Self.alterIsrRetryBackoffMs, logger: Logger(label: "kafka.server.DefaultAlterIsrManager"))
            manager.start()
            alterIsrManager = manager
            replicaManager.attach(stateWriter: manager)
        }
        controller.startup()
        watchSession(zooKeeperConfiguration)
        heapTrimmer = Task.detached(priority: .background) {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(10))
                HeapTuning.trim()
            }
        }
        let brokerMetrics = BrokerMetrics(factory: metrics.factory)
        metrics.onCollect { [weak controller, weak front] in
            brokerMetrics.record(
                BrokerMetricsSnapshot(
                    replication: replicaManager.replicationMetrics, fetchSessions: front?.fetchSessionMetrics ?? .init(),
                    cleaner: logManager.cleaner?.gauges, groups: front?.groupMetrics ?? .init()))
            controller?.recordMetricsOnRead()
        }
        metricsEndpoint = try await MetricsEndpoint.start(for: config, registry: metrics, logger: logger)
        logger.info("[KafkaServer id=\(id)] started (kafka.server.KafkaServer)")
    }

    /// Kafka's `KafkaServer.shutdown`: the controller, then the network, then the ZooKeeper session
    /// (which removes `/brokers/ids/<id>` and, if this broker was controller, `/controller`).
    public func shutdown() async {
        let id = config.brokerID
        logger.info("[KafkaServer id=\(id)] shutting down")
        if let broker, let controller {
            // While this broker still serves, the controller moves its leaderships away.
            _ = await ControlledShutdown.perform(
                config: config, brokerEpoch: controller.brokerEpoch, metadataCache: broker.metadataCache, logger: logger)
        }
        sessionWatcher?.cancel()
        heapTrimmer?.cancel()
        await metricsEndpoint?.close()
        controller?.shutdown()
        // Parked JoinGroup/SyncGroup requests are answered, so the request handlers can finish.
        broker?.shutdownGroupCoordinator()
        await socketServer?.shutdown()
        // Kafka's order: the network is down, then the replica manager (fetchers), then the logs,
        // which leave checkpoints and the clean-shutdown marker so the next start skips recovery.
        await replicaManager?.shutdown()
        await alterIsrManager?.shutdown()
        await session?.current.zooKeeper.close()
        logger.info("[KafkaServer id=\(id)] shut down completed")
    }

    /// The advertised endpoints: the configured host, or this machine's name for an empty host,
    /// and the bound port where the listener asked for port 0.
    private func advertisedEndpoints(bound: [SocketServer.BoundListener]) -> [BrokerEndpoint] {
        config.advertisedListeners.map { listener in
            let port = listener.port == 0 ? (bound.first { $0.name == listener.name }?.port ?? 0) : listener.port
            let host = listener.host.isEmpty ? ProcessInfo.processInfo.hostName : listener.host
            return BrokerEndpoint(listenerName: listener.name, host: host, port: Int32(port), securityProtocol: listener.securityProtocol)
        }
    }

    /// Follows the ZooKeeper session: on expiry, let the controller resign, open a new session
    /// (retrying every second, as Kafka's `ZooKeeperClient.reinitialize`), then re-register and
    /// re-elect through `RegisterBrokerAndReelect`.
    private func watchSession(_ configuration: ZooKeeperConfiguration) {
        guard let session, let controller else { return }
        let logger = self.logger
        let timeout = Duration.milliseconds(config.zookeeperConnectionTimeoutMs)
        sessionWatcher = Task.detached {
            while !Task.isCancelled {
                let events = session.current.zooKeeper.sessionEvents()
                var expired = false
                for await event in events where event.state == .expired || event.state == .authFailed {
                    expired = true
                }
                guard expired, !Task.isCancelled else { return }
                logger.warning("ZooKeeper session expired; the controller resigns and a new session is opened")
                // `sessionExpired` blocks until the event thread takes the Expire event; keep that
                // wait off the cooperative pool, which the event thread's ZooKeeper calls need.
                await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                    Thread {
                        controller.sessionExpired()
                        done.resume()
                    }.start()
                }
                while !Task.isCancelled {
                    do {
                        let fresh = try await KafkaZooKeeperClient.connect(configuration, connectionTimeout: timeout)
                        await session.current.zooKeeper.close()
                        session.replace(with: fresh)
                        break
                    } catch {
                        logger.warning("Could not open a new ZooKeeper session (\(error)); retrying in 1 s")
                        try? await Task.sleep(for: .seconds(1))
                    }
                }
                controller.put(.registerBrokerAndReelect)
            }
        }
    }
}
