import ControllerTraceFile
import CoreMetrics
import Foundation
import KafkaController
import KafkaModel
import KafkaZooKeeperData
import Logging
import Synchronization
import ZooKeeper

/// Kafka 2.8's `KafkaController` in ZooKeeper mode: every broker runs one; the one that wins the
/// `/controller` race is active. It is the processor of the controller event thread: ZooKeeper
/// watches and broker requests only enqueue events; `process` handles one at a time, in order,
/// driving the partition and replica state machines and sending their requests to brokers.
///
/// Threading contract: everything except `startup`, `shutdown`, `isActive`, `activeControllerID`
/// and `put` runs on the controller event thread, which may block on ZooKeeper.
public final class ZooKeeperModeController: ControllerEventProcessor, @unchecked Sendable {
    let configuration: ControllerConfiguration
    /// Every ZooKeeper read and write of the shell (``SessionControllerZooKeeper`` over the broker's session).
    let zooKeeper: any ControllerZooKeeper
    /// Creates the broker channels when this broker becomes the controller.
    let makeChannels: (ZooKeeperModeController) -> any ControllerChannels
    let logger: Logger
    let traceSink: any ControllerTraceSink
    /// Re-registers `/brokers/ids/<id>` on a new session and returns the new broker epoch.
    let reregisterBroker: @Sendable () async throws -> Int64

    // Confined to the event thread.
    let context = ControllerContext()
    let watches = WatchArming()
    /// The controller core: every decision (the flows over both state machines, reassignment, topic
    /// deletion); this class adds the ZooKeeper watches and reads around it and executes its writes through
    /// ``ZooKeeperPartitionStateStore``, ``ZooKeeperReassignmentStore`` and ``ZooKeeperTopicDeletionClient``.
    var core: KafkaController!
    let reassignmentStore = ZooKeeperReassignmentStore()
    /// Kafka's controller flows over the state machines (broker startup/failure, new partitions,
    /// elections, controlled shutdown).
    var flows: ControllerFlows { core.flows }
    var partitionStateMachine: PartitionStateMachine { flows.partitionStateMachine }
    var replicaStateMachine: ReplicaStateMachine { flows.replicaStateMachine }
    /// Kafka's `TopicDeletionManager`; its ZooKeeper deletes go through ``ZooKeeperTopicDeletionClient``.
    var topicDeletionManager: TopicDeletionManager { core.topicDeletionManager }
    var channelManager: (any ControllerChannels)?
    /// Requests held back by `coalescingRequests` (nil: requests go out at once).
    var heldRequests: [ControllerBrokerRequest]?
    /// The state machines' store: answers reads of states written while requests are held and writes planned
    /// chains ahead (`EventScopedPartitionStateStore`).
    let scopedStore: EventScopedPartitionStateStore
    var autoRebalanceTask: Task<Void, Never>?

    /// Readable from any thread (the broker answers ControlledShutdown and Metadata with it).
    private let shared = Mutex(SharedState())
    private struct SharedState {
        var activeControllerID: BrokerID = -1
        var brokerEpoch: Int64 = -1
    }

    private(set) var eventManager: ControllerEventManager!
    /// Kafka's `kafka.controller:type=KafkaController` gauges.
    let metrics: ControllerMetrics

    /// - Parameter metricsFactory: the broker's swift-metrics factory (`KafkaMetricsRegistry.factory`).
    public convenience init(
        configuration: ControllerConfiguration, session: ControllerSession, brokerEpoch: Int64,
        logger: Logger = Logger(label: "kafka.controller"),
        metricsFactory: any MetricsFactory = NOOPMetricsHandler.instance,
        reregisterBroker: @escaping @Sendable () async throws -> Int64
    ) {
        let traceSink: any ControllerTraceSink
        if let directory = configuration.traceDirectory,
            let sink = try? JSONLinesControllerTraceSink(path: directory + "/controller-trace.jsonl")
        {
            traceSink = sink
        } else {
            traceSink = DiscardingControllerTraceSink()
        }
        self.init(
            configuration: configuration, zooKeeper: SessionControllerZooKeeper(session: session, logger: logger),
            partitionStates: ZooKeeperPartitionStateStore(
                session: session, uncleanLeaderElectionDefault: configuration.uncleanLeaderElectionEnable),
            traceSink: traceSink, brokerEpoch: brokerEpoch, logger: logger, metricsFactory: metricsFactory,
            makeChannels: { controller in
                ControllerChannelManager(
                    controllerID: configuration.brokerID, listenerName: configuration.interBrokerListenerName,
                    requestTimeout: .milliseconds(configuration.controllerSocketTimeoutMs), logger: logger
                ) { [weak controller] event in controller?.put(event) }
            },
            reregisterBroker: reregisterBroker)
    }

    /// The shell over any ports: the ZooKeeper port, the partition state store and the broker channels (the
    /// shell's tests pass in-memory ones).
    init(
        configuration: ControllerConfiguration, zooKeeper: any ControllerZooKeeper, partitionStates: any PartitionStateStore,
        traceSink: any ControllerTraceSink, brokerEpoch: Int64, logger: Logger = Logger(label: "kafka.controller"),
        metricsFactory: any MetricsFactory = NOOPMetricsHandler.instance,
        makeChannels: @escaping (ZooKeeperModeController) -> any ControllerChannels,
        reregisterBroker: @escaping @Sendable () async throws -> Int64
    ) {
        self.configuration = configuration
        self.metrics = ControllerMetrics(factory: metricsFactory)
        self.zooKeeper = zooKeeper
        self.makeChannels = makeChannels
        self.logger = logger
        self.reregisterBroker = reregisterBroker
        self.traceSink = traceSink
        shared.withLock { $0.brokerEpoch = brokerEpoch }
        // Read-your-writes and written-ahead chains while an event holds its requests (issue 14).
        let store = EventScopedPartitionStateStore(partitionStates)
        scopedStore = store
        let forwarder = ChannelForwarder()
        core = KafkaController(
            controllerID: configuration.brokerID, context: context, store: store, sender: forwarder,
            deletionClient: ZooKeeperTopicDeletionClient(zooKeeper: zooKeeper), reassignmentStore: reassignmentStore,
            isDeleteTopicEnabled: configuration.deleteTopicEnable,
            leaderImbalancePerBrokerPercentage: configuration.leaderImbalancePerBrokerPercentage, traceSink: traceSink,
            logger: logger)
        eventManager = ControllerEventManager(
            processor: self, traceSink: traceSink, metrics: ControllerEventMetrics(factory: metricsFactory))
        forwarder.controller = self
        reassignmentStore.controller = self
    }

    // MARK: - Life cycle (any thread)

    /// Kafka's `KafkaController.startup`: enqueue `Startup`, start the event thread.
    public func startup() {
        _ = eventManager.put(.startup)
        eventManager.start()
    }

    /// Stops the event thread, then resigns (Kafka's `KafkaController.shutdown`).
    public func shutdown() {
        eventManager.close()
        onControllerResignation()
        traceSink.flush()
    }

    /// Enqueues an event (for watchers, request handlers and timers).
    @discardableResult
    public func put(_ event: ControllerEvent) -> QueuedEvent { eventManager.put(event) }

    /// The ZooKeeper session expired: drop everything queued (answering replies with NOT_CONTROLLER),
    /// enqueue `Expire` and wait until the event thread has started on it (Kafka's
    /// `controller-state-change-handler.beforeInitializingSession`).
    public func sessionExpired() {
        let queued = eventManager.clearAndPut(.expire)
        queued.awaitProcessing()
    }

    public var isActive: Bool { shared.withLock { $0.activeControllerID == configuration.brokerID } }
    public var activeControllerID: BrokerID { shared.withLock { $0.activeControllerID } }
    public var brokerEpoch: Int64 { shared.withLock { $0.brokerEpoch } }
    public var state: ControllerState { eventManager.state }
    public var statistics: ControllerEventStatistics { eventManager.eventStatistics }
    /// Events waiting for the event thread (Kafka's `EventQueueSize` gauge).
    public var queueSize: Int { eventManager.queueSize }

    /// Records the gauges read at scrape time (`ActiveControllerCount`, `ControllerState`, `EventQueueSize`).
    public func recordMetricsOnRead() {
        metrics.recordOnRead(isActive: isActive, state: state, queueSize: queueSize, statistics: statistics)
    }

    func setActiveControllerID(_ id: BrokerID) { shared.withLock { $0.activeControllerID = id } }
    func setBrokerEpoch(_ epoch: Int64) { shared.withLock { $0.brokerEpoch = epoch } }

    // MARK: - Event processing (event thread)

    public func process(_ event: ControllerEvent) throws {
        // Kafka's `updateMetrics` after every event; broker responses rarely change the context, and at
        // 100,000 partitions counting after each of them would slow a failover.
        defer {
            if event.state != .leaderAndISRResponseReceived && event.state != .updateMetadataResponseReceived {
                metrics.recordContextGauges(.init(context))
            }
        }
        watches.beginEvent()
        do {
            try processArmingWatches(event)
        } catch {
            // A read meant to re-arm a watch may be what failed: believing it set would lose it for good.
            watches.disarmFailedEvent()
            throw error
        }
    }

    private func processArmingWatches(_ event: ControllerEvent) throws {
        do {
            switch event {
            case .startup: try processStartup()
            case .controllerChange: try maybeResign()
            case .reelect: try processReelect()
            case .expire: processExpire()
            case .registerBrokerAndReelect: try processRegisterBrokerAndReelect()
            case .shutdownEventThread: break
            case .brokerChange: try processBrokerChange()
            case .brokerModifications(let id): try processBrokerModifications(id)
            case .topicChange: try processTopicChange()
            case .partitionModifications(let topic): try processPartitionModifications(topic)
            case .isrChangeNotification: try processISRChangeNotification()
            case .replicaLeaderElection(let partitions, let electionType, let trigger, let reply):
                try processReplicaLeaderElection(partitions, electionType: electionType, trigger: trigger, reply: reply)
            case .autoPreferredReplicaLeaderElection: try processAutoPreferredReplicaLeaderElection()
            case .controlledShutdown(let id, let epoch, let reply): processControlledShutdown(id, brokerEpoch: epoch, reply: reply)
            case .alterIsrReceived(let id, let epoch, let changes, let reply):
                try processAlterIsr(id, brokerEpoch: epoch, changes: changes, reply: reply)
            case .logDirEventNotification: try processLogDirEventNotification()
            case .leaderAndISRResponseReceived(let broker, let errorCode, let partitionErrors):
                try processLeaderAndISRResponseReceived(broker, errorCode: errorCode, partitionErrors: partitionErrors)
            case .updateMetadataResponseReceived(let broker, let errorCode):
                if errorCode != 0 { logger.warning("Broker \(broker) answered UpdateMetadata with error \(errorCode)") }
            case .topicDeletion: try processTopicDeletion()
            case .topicDeletionStopReplicaResponseReceived(let broker, let errorCode, let partitionErrors):
                try processTopicDeletionStopReplicaResponseReceived(broker, errorCode: errorCode, partitionErrors: partitionErrors)
            case .zkPartitionReassignment: _ = try processZkPartitionReassignment()
            case .partitionReassignmentISRChange(let partition): try processPartitionReassignmentISRChange(partition)
            }
        } catch let error as ControllerError where error.code == .controllerMoved {
            logger.warning("Controller moved to another broker (\(error.message)); resigning")
            try maybeResign()
        } catch let error as ControllerMovedError {
            logger.warning("Controller moved to another broker (\(error.detail)); resigning")
            try maybeResign()
        }
    }

    // MARK: - Sending

    /// Sends requests produced by a state machine or a batch.
    func send(_ requests: [ControllerBrokerRequest]) {
        // The transitions behind these requests reach the trace before the brokers hear of them, not
        // only when the (possibly long) event ends: readers of the trace see a change no later than
        // the brokers do.
        traceSink.flush()
        if heldRequests != nil {
            heldRequests! += requests
            return
        }
        channelManager?.send(requests)
    }

    /// Sends the requests held so far, merged into one request per broker and API, and keeps holding (the flows
    /// call it, through ``ChannelForwarder``, when a state machine pass of broker failure or controlled shutdown
    /// ends, where Kafka's `sendRequestsToBrokers` runs). Nothing held: nothing to do.
    func sendHeldBatches() {
        guard let held = heldRequests, !held.isEmpty else { return }
        heldRequests = []
        traceSink.flush()
        channelManager?.send(ControllerBrokerRequest.coalesced(held))
    }

    /// Runs `body` holding back the requests it sends, then sends them merged into one request per broker and
    /// API (`ControllerBrokerRequest.coalesced`); passes that end inside `body` may send theirs earlier
    /// (``sendHeldBatches()``). If `body` throws (the controller moved), nothing more is sent, as a resigning
    /// Kafka controller drops its queued requests.
    func coalescingRequests(_ body: () throws -> Void) throws {
        // Nested: the outermost call sends everything.
        if heldRequests != nil { return try body() }
        heldRequests = []
        scopedStore.beginHoldingRequests()
        defer {
            heldRequests = nil
            scopedStore.abandonHoldingRequests()
        }
        try body()
        // Chains a plan predicted but the state machines did not finish are put back before anyone hears of them.
        let restored = try scopedStore.endHoldingRequests(expectedControllerEpochZKVersion: context.epochZKVersion)
        for (partition, state) in restored { context.putPartitionLeadershipInfo(partition, state) }
        let statistics = scopedStore.statistics
        var withoutPasses = statistics
        withoutPasses.settled = 0
        if withoutPasses != EventScopedPartitionStateStore.Statistics() {
            logger.info("Partition states of this event: \(statistics.writtenAhead) written ahead (\(statistics.plannedWritesAnswered) state machine writes answered by them, \(statistics.plannedWritesMissed) not planned, \(statistics.chainsRestored) put back), \(statistics.readsAnswered) reads answered from this event's writes, requests sent after \(statistics.settled) passes before the event ended")
        }
        let held = heldRequests ?? []
        heldRequests = nil
        send(ControllerBrokerRequest.coalesced(held))
    }

    /// `sendUpdateMetadataRequest(brokers, partitions)`.
    func sendUpdateMetadataRequest(to brokers: [BrokerID], partitions: [TopicPartition]) {
        flows.sendUpdateMetadataRequest(brokerIDs: brokers, partitions: partitions)
    }

    /// A handler for a read that should leave a watch on `key` (`kind:path`), enqueueing `event` when
    /// it fires (nothing when the session ended: expiry is handled by `Expire`); nil when that watch
    /// is already set.
    func watch(_ key: String, _ event: @escaping @Sendable () -> ControllerEvent) -> WatchHandler? {
        watches.handler(key) { [weak self] watchEvent in
            if case .sessionEnded = watchEvent.type { return }
            self?.put(event())
        }
    }

    /// How long a ZooKeeper operation is retried over a lost connection before it fails the event.
    static let connectionLossRetryLimit = Duration.seconds(30)
}

/// The flows' request sender: whatever channel manager the active controller has now (none while
/// not active, when requests are dropped as Kafka's resigned controller drops its queues).
final class ChannelForwarder: ControllerRequestSender {
    // Set once after the controller is initialised; used on the event thread only.
    weak var controller: ZooKeeperModeController?

    func send(_ requests: [ControllerBrokerRequest]) { controller?.send(requests) }
    func sendHeldBatches() { controller?.sendHeldBatches() }
}
