import Foundation
import KafkaConfig
import KafkaLog
import KafkaMetadata
import KafkaModel
import Logging
import Synchronization

/// The partitions this broker hosts, their logs and their replication (Kafka 2.8
/// `ReplicaManager`): applies leader/follower changes from the control plane, starts and stops
/// replica fetchers, shrinks and expands ISRs, and propagates ISR changes. It does not care
/// whether LeaderAndIsr requests or a KRaft metadata log drive it.
public final class ReplicaManager: Sendable {
    /// A partition state change the control plane asks for (one entry of a LeaderAndIsr request, or a KRaft
    /// partition whose leader or partition epoch moved: zkVersion is then the partition epoch and the controller
    /// epoch the Raft epoch).
    public struct BecomeLeaderOrFollower: PartitionLeadershipCarrying, Sendable, Hashable {
        public var topicPartition: TopicPartition
        public var leadership: LeaderISRAndControllerEpoch
        public var replicas: [BrokerID]

        public init(topicPartition: TopicPartition, leadership: LeaderISRAndControllerEpoch, replicas: [BrokerID]) {
            self.topicPartition = topicPartition
            self.leadership = leadership
            self.replicas = replicas
        }
    }

    /// Why one partition of a request was not applied.
    public enum Refusal: Sendable, Hashable {
        /// The request's leader epoch is not newer than the one the broker has (Kafka answers
        /// STALE_CONTROLLER_EPOCH for that partition).
        case staleLeaderEpoch(request: Int32, current: Int32)
        /// The broker is not a replica of the partition (UNKNOWN_TOPIC_OR_PARTITION).
        case notAReplica
        /// The log could not be created or changed (KAFKA_STORAGE_ERROR).
        case storage(String)
    }

    public let brokerID: BrokerID
    let config: BrokerConfig
    public let logManager: LogManager
    public let activity = PartitionActivity()
    /// What Produce validates each topic's batches against (Kafka's `LogValidator` settings).
    let validationPolicies: TopicValidationPolicies
    let logger: Logger
    let fetchers: ReplicaFetcherManager
    private let partitions = Mutex<[TopicPartition: Partition]>([:])
    /// Serialises control-plane changes (Kafka's `replicaStateChangeLock`).
    private let stateChangeLock = Mutex(())
    private let writer = Mutex<(any PartitionStateWriter)?>(nil)
    /// The rule in a box, never a bare closure in the Mutex: `withLock` hands its value over `inout`, and a
    /// function value stored in the generic Mutex is re-abstracted on the way in and out — each read wrapped the
    /// stored closure in two more reabstraction thunks and wrote it back. Called per follower per fetched
    /// partition, the chain grew by millions: at 100,000 partitions the leaders spent ~90 % of their CPU walking
    /// it (perf), grew by ~10 KB per ISR expansion, and a Fetch thread was once found 100,000 frames deep in it
    /// holding a partition lock (issue 14).
    private let eligibility = Mutex(IsrEligibilityRule { _ in true })
    private let isrChanges = Mutex(IsrChangeBatch())
    /// ISR expansion writes, at most ``isrUpdateWindow`` (ZooKeeper writes) or ``batchedIsrUpdateWindow`` (AlterIsr,
    /// AlterPartition) in flight (see ``BoundedWorkQueue``).
    let isrExpansions = BoundedWorkQueue(limit: 10)
    private let topicConfigs = Mutex<[String: [String: String]]>([:])
    private let backgroundTasks = Mutex<[Task<Void, Never>]>([])
    /// Partitions whose log dir failed (Kafka's `HostedPartition.Offline`): produce, fetch and LeaderAndIsr for
    /// them answer KAFKA_STORAGE_ERROR until the broker restarts.
    private let offline = Mutex<Set<TopicPartition>>([])
    /// What to do when every log dir has failed (Kafka halts the JVM); set by the server.
    private let allLogDirsFailed = Mutex<(@Sendable () -> Void)?>(nil)

    struct IsrChangeBatch {
        var partitions: Set<TopicPartition> = []
        var lastChangeMs: Int64 = 0
        var lastPropagationMs: Int64 = 0
    }

    public init(brokerID: BrokerID, config: BrokerConfig, logManager: LogManager, logger: Logger) {
        self.brokerID = brokerID
        self.config = config
        self.logManager = logManager
        self.logger = logger
        self.validationPolicies = TopicValidationPolicies(broker: config)
        self.fetchers = ReplicaFetcherManager(brokerID: brokerID, config: config, logger: logger)
        fetchers.replicaManager = self
        // Kafka's LogDirFailureHandler thread: takes failed dirs from the channel and handles each once.
        logManager.failureChannel.setHandler { [weak self] dir in
            Task { await self?.handleLogDirFailure(dir) }
        }
    }

    /// Called once every log dir has failed, after the failure is logged (Kafka: `Exit.halt(1)`).
    public func onAllLogDirsFailed(_ action: @escaping @Sendable () -> Void) { allLogDirsFailed.withLock { $0 = action } }

    /// Whether the partition's log dir failed (Kafka's `HostedPartition.Offline`).
    public func isOffline(_ topicPartition: TopicPartition) -> Bool { offline.withLock { $0.contains(topicPartition) } }

    public static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    public func attach(stateWriter: any PartitionStateWriter) {
        writer.withLock { $0 = stateWriter }
        isrExpansions.setLimit(stateWriter.batchesIsrUpdates ? Self.batchedIsrUpdateWindow : Self.isrUpdateWindow)
    }

    /// ISR changes in flight at once when each is its own ZooKeeper write.
    static let isrUpdateWindow = 10
    /// ISR changes in flight at once when the writer gathers them into one AlterIsr / AlterPartition request: a
    /// restarted broker's followers catching up on 100,000 partitions go to the controller in batches of up to this.
    static let batchedIsrUpdateWindow = 5_000

    /// Which followers may join an ISR (Kafka 3.3's `Partition.isReplicaIsrEligible`). A KRaft broker attaches
    /// "registered, unfenced and not in controlled shutdown" from its metadata image: the controller refuses any
    /// other (INELIGIBLE_REPLICA), and leaders proposing such changes on every fetch of a restarted, still fenced
    /// broker sent thousands of refused changes. ZooKeeper mode keeps every follower eligible, as Kafka 2.8 does.
    public func attach(isrEligibility: @escaping @Sendable (BrokerID) -> Bool) {
        let rule = IsrEligibilityRule(isrEligibility)
        eligibility.withLock { $0 = rule }
    }

    /// Whether `follower` may join an ISR now.
    public func isReplicaIsrEligible(_ follower: BrokerID) -> Bool {
        eligibility.withLock { $0 }.isEligible(follower)
    }

    public func partition(_ topicPartition: TopicPartition) -> Partition? {
        partitions.withLock { $0[topicPartition] }
    }

    public var hostedPartitions: [Partition] {
        partitions.withLock { Array($0.values) }.sorted { $0.topicPartition < $1.topicPartition }
    }

    /// Kafka 2.8 `ReplicaManager.becomeLeaderOrFollower`: applies each partition whose leader epoch
    /// is newer than the one held, creating its log; leaders stop fetching, followers truncate and
    /// fetch from their leader (`leaderEndpoints`). Returns the refused partitions.
    ///
    /// `acceptsPartitionEpochChanges`: KRaft mode (Kafka 3.3's `ReplicaManager.applyDelta`) also
    /// applies a state whose leader epoch is unchanged but whose partition epoch (`zkVersion`) moved:
    /// the ISR changes the controller made, which ZooKeeper mode's LeaderAndIsr never sends.
    public func becomeLeaderOrFollower(
        _ states: [BecomeLeaderOrFollower], leaderEndpoints: [BrokerID: ReplicaFetcherManager.Endpoint],
        acceptsPartitionEpochChanges: Bool = false,
        topicConfig: @Sendable (String) async -> [String: String]?
    ) async -> [TopicPartition: Refusal] {
        var configs: [String: [String: String]] = [:]
        for topic in Set(states.map(\.topicPartition.topic)) {
            if let cached = topicConfigs.withLock({ $0[topic] }) {
                configs[topic] = cached
            } else {
                let fetched = await topicConfig(topic) ?? [:]
                topicConfigs.withLock { $0[topic] = fetched }
                configs[topic] = fetched
            }
        }
        let now = Self.nowMs()
        return stateChangeLock.withLock { _ in
            var refused: [TopicPartition: Refusal] = [:]
            var leaders: Set<TopicPartition> = []
            // A list, not a dictionary: a LeaderAndIsr names each partition once, and at 100,000 partitions a
            // hash table of the followers' assignments was twice their size (issue 14).
            var followers: [(TopicPartition, ReplicaFetcherManager.Assignment)] = []
            // Equal replica and ISR lists share one array across the partitions (see `ReplicaListInterner`).
            var lists = ReplicaListInterner()
            // A topic's log settings, min.insync.replicas and validation policy, worked out once per request rather
            // than once per new partition.
            var settings: [String: (log: LogConfig, minInsyncReplicas: Int)] = [:]
            for state in states {
                // Kafka checks HostedPartition.Offline before the leader epoch: the controller's "are these replicas
                // still online?" LeaderAndIsr (same epoch) must learn that they are not.
                if isOffline(state.topicPartition) {
                    refused[state.topicPartition] = .storage("the log dir of \(state.topicPartition) is offline")
                    continue
                }
                let existing = partitions.withLock { $0[state.topicPartition] }
                // A partition never seen has epoch -1 (LeaderAndIsr.initialLeaderEpoch - 1).
                let current = existing?.leaderEpoch ?? -1
                if acceptsPartitionEpochChanges, let existing, state.leaderEpoch == current, state.replicas.contains(brokerID) {
                    if existing.applyPartitionEpochChange(
                        isr: state.isr, replicas: state.replicas, partitionEpoch: state.zkVersion, nowMs: now)
                    {
                        activity.notify(state.topicPartition)
                    }
                    continue
                }
                guard state.leaderEpoch > current else {
                    refused[state.topicPartition] = .staleLeaderEpoch(request: state.leaderEpoch, current: current)
                    continue
                }
                guard state.replicas.contains(brokerID) else {
                    refused[state.topicPartition] = .notAReplica
                    continue
                }
                var leadership = state.leadership
                leadership.leaderAndISR.isr = lists.intern(leadership.leaderAndISR.isr)
                let replication = PartitionReplicationState(
                    brokerID: brokerID, leadership: leadership, replicas: lists.intern(state.replicas), nowMs: now)
                do {
                    let partition: Partition
                    if let existing {
                        partition = existing
                        try partition.apply(replication)
                    } else {
                        let topic = state.topicPartition.topic
                        let topicSettings: (log: LogConfig, minInsyncReplicas: Int)
                        if let known = settings[topic] {
                            topicSettings = known
                        } else {
                            let topicConfig = configs[topic] ?? [:]
                            topicSettings = (
                                TopicLogConfig.logConfig(broker: config, topic: topicConfig),
                                TopicLogConfig.minInsyncReplicas(broker: config, topic: topicConfig))
                            validationPolicies.update(topic: topic, broker: config, config: topicConfig)
                            settings[topic] = topicSettings
                        }
                        let log = try logManager.getOrCreateLog(state.topicPartition)
                        log.updateConfig(topicSettings.log)
                        partition = Partition(
                            topicPartition: state.topicPartition, log: log, state: replication,
                            minInsyncReplicas: topicSettings.minInsyncReplicas)
                        try partition.apply(replication)
                        partitions.withLock { $0[state.topicPartition] = partition }
                    }
                    if replication.isLeader {
                        leaders.insert(state.topicPartition)
                    } else if let endpoint = leaderEndpoints[state.leader] {
                        // Kafka's initialFetchOffset: with leader epochs the follower fetches from its
                        // log end offset and the leader points out any divergence (Fetch v12); a log
                        // without epochs first truncates to its high watermark (the Truncating state).
                        let latestEpoch = partition.log.latestEpoch
                        followers.append((state.topicPartition, .init(
                            leader: state.leader, endpoint: endpoint,
                            fetchOffset: latestEpoch != nil ? partition.log.logEndOffset : partition.log.highWatermark,
                            leaderEpoch: state.leaderEpoch, lastFetchedEpoch: latestEpoch)))
                    } else {
                        // Kafka logs the same: a follower whose leader is not among the live leaders waits.
                        logger.warning("No live endpoint for leader \(state.leader) of \(state.topicPartition); not fetching")
                        leaders.insert(state.topicPartition)  // stops any old fetcher
                    }
                } catch {
                    logger.error("Could not make \(state.topicPartition) \(replication.isLeader ? "leader" : "follower"): \(error)")
                    refused[state.topicPartition] = .storage("\(error)")
                    continue
                }
                activity.notify(state.topicPartition)
            }
            fetchers.removeFetchers(for: leaders)
            fetchers.addFetchers(followers)
            return refused
        }
    }

    /// Kafka 2.8 `ReplicaManager.stopReplicas`: stops hosting partitions whose request epoch is newer
    /// than the held one, or is -1 (no epoch) or -2 (topic being deleted), deleting the logs of those
    /// in `delete`. Returns the refused ones.
    public func stopReplicas(_ requests: [(TopicPartition, leaderEpoch: Int32)], delete: Set<TopicPartition>) -> [TopicPartition: Refusal] {
        stateChangeLock.withLock { _ in
            var refused: [TopicPartition: Refusal] = [:]
            var stopped: Set<TopicPartition> = []
            for (topicPartition, epoch) in requests {
                if isOffline(topicPartition) {
                    refused[topicPartition] = .storage("the log dir of \(topicPartition) is offline")
                    continue
                }
                if let current = partitions.withLock({ $0[topicPartition]?.leaderEpoch }), epoch >= 0, epoch <= current {
                    refused[topicPartition] = .staleLeaderEpoch(request: epoch, current: current)
                    continue
                }
                stopped.insert(topicPartition)
            }
            fetchers.removeFetchers(for: stopped)
            for topicPartition in stopped {
                partitions.withLock { _ = $0.removeValue(forKey: topicPartition) }
                activity.forget(topicPartition)
                guard delete.contains(topicPartition) else { continue }
                topicConfigs.withLock { _ = $0.removeValue(forKey: topicPartition.topic) }
                do {
                    try logManager.deleteLog(topicPartition)
                } catch {
                    logger.error("Could not delete the log of \(topicPartition): \(error)")
                    refused[topicPartition] = .storage("\(error)")
                }
            }
            return refused
        }
    }

    // MARK: - Log dir failure

    /// Kafka 2.8's `ReplicaManager.handleLogDirFailure`: every partition in `dir` stops being served (fetchers
    /// removed, partition marked offline), the log manager drops the dir's logs, and the controller is told through
    /// `/log_dir_event_notification`; it asks back with LeaderAndIsr, answered KAFKA_STORAGE_ERROR for these
    /// partitions, and moves the replicas offline. With no live dir left the broker stops, as Kafka halts.
    public func handleLogDirFailure(_ dir: String) async {
        logger.warning("Stopping serving replicas in dir \(dir)")
        let newlyOffline: [TopicPartition] = stateChangeLock.withLock { _ in
            let affected = partitions.withLock { partitions in
                partitions.values.filter { $0.log.parentDir == dir }.map(\.topicPartition)
            }
            fetchers.removeFetchers(for: Set(affected))
            partitions.withLock { partitions in for topicPartition in affected { partitions.removeValue(forKey: topicPartition) } }
            offline.withLock { $0.formUnion(affected) }
            return affected.sorted()
        }
        // Produce requests waiting for acks=all on these partitions find them gone and answer at once.
        for topicPartition in newlyOffline { activity.notify(topicPartition) }
        logger.warning("Broker \(brokerID) stopped fetcher for partitions \(newlyOffline.map(\.description).joined(separator: ",")) because they are in the failed log directory \(dir).")
        let (_, anyDirLive) = logManager.handleLogDirFailure(dir)
        if !anyDirLive {
            logger.critical("Shutdown broker because all log dirs in \(logManager.logDirs.joined(separator: ", ")) have failed")
            allLogDirsFailed.withLock { $0 }?()
            return
        }
        if let writer = writer.withLock({ $0 }) {
            do {
                try await writer.notifyLogDirFailure(brokerID: brokerID)
            } catch {
                logger.error("Could not write the log dir event notification for dir \(dir): \(error)")
            }
        }
        logger.warning("Stopped serving replicas in dir \(dir)")
    }

    // MARK: - ISR maintenance

    /// Starts Kafka's scheduled replica-manager tasks: ISR expiration every
    /// `replica.lag.time.max.ms / 2`, ISR change propagation every 2.5 s, and the high watermark
    /// checkpoint every `replica.high.watermark.checkpoint.interval.ms`.
    public func startup() {
        let lag = config.replicaLagTimeMaxMs
        let tasks = [
            periodic(every: max(lag / 2, 10)) { [weak self] in await self?.maybeShrinkIsr() },
            periodic(every: 2_500) { [weak self] in await self?.maybePropagateIsrChanges() },
            periodic(every: config.replicaHighWatermarkCheckpointIntervalMs) { [weak self] in
                // Only the high watermarks: the log manager's own task writes the other two files.
                do { try self?.logManager.checkpoint(.highWatermarks) } catch {
                    self?.logger.error("High watermark checkpoint failed: \(error)")
                }
            },
        ]
        backgroundTasks.withLock { $0 = tasks }
    }

    /// Stops fetchers and background tasks, then closes the logs cleanly (checkpoints and the
    /// clean-shutdown marker).
    public func shutdown() async {
        backgroundTasks.withLock { tasks in
            for task in tasks { task.cancel() }
            tasks = []
        }
        await fetchers.shutdown()
        do {
            try logManager.shutdown()
        } catch {
            logger.error("Log manager shutdown failed: \(error)")
        }
    }

    private func periodic(every intervalMs: Int64, _ body: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        Task.detached {
            while !Task.isCancelled {
                do { try await Task.sleep(for: .milliseconds(intervalMs)) } catch { return }
                await body()
            }
        }
    }

    func maybeShrinkIsr() async {
        let now = Self.nowMs()
        // Unsorted: the order does not matter here, and sorting 100,000 partitions every 15 s does not come free.
        var shrinks: [(Partition, Partition.IsrUpdate)] = []
        for partition in partitions.withLock({ Array($0.values) }) {
            if let update = partition.isrShrink(nowMs: now, maxLagMs: config.replicaLagTimeMaxMs) {
                logger.info("Shrinking ISR of \(update.topicPartition) from \(partition.replicationState.isr) to \(update.isr)")
                shrinks.append((partition, update))
            }
        }
        guard writer.withLock({ $0?.batchesIsrUpdates }) == true else {
            // One ZooKeeper write after the other (Kafka 2.8's `ZkIsrManager` path).
            for (partition, update) in shrinks { await write(update, on: partition) }
            return
        }
        // Kafka 2.8's `AlterIsrManager.submit` does not wait: every shrink of the pass is queued at once and goes in
        // the next AlterIsr. One call for the pass, not a task per shrink: 100,000 suspended tasks held ~60 MB.
        guard let writer = writer.withLock({ $0 }) else {
            for (partition, update) in shrinks { finishWrite(update, on: partition, outcome: .success(nil)) }
            return
        }
        let pass = shrinks
        await writer.writeLeaderAndIsr(pass.map(\.1)) { [self] index, outcome in
            let (partition, update) = pass[index]
            finishWrite(update, on: partition, outcome: outcome)
        }
    }

    /// Queues the write of an ISR expansion found while answering a follower's fetch.
    func enqueueIsrExpansion(_ update: Partition.IsrUpdate, on partition: Partition) {
        isrExpansions.submit { [self] in await write(update, on: partition) }
    }

    /// Writes an ISR change (expansion after a follower caught up, or a shrink) and applies it.
    func write(_ update: Partition.IsrUpdate, on partition: Partition) async {
        guard let writer = writer.withLock({ $0 }) else {
            finishWrite(update, on: partition, outcome: .success(nil))
            return
        }
        do {
            finishWrite(update, on: partition, outcome: .success(try await writer.writeLeaderAndIsr(update)))
        } catch {
            finishWrite(update, on: partition, outcome: .failure(error))
        }
    }

    /// Applies a written (or refused, or failed) ISR change to the partition and records it for propagation.
    private func finishWrite(_ update: Partition.IsrUpdate, on partition: Partition, outcome: Result<Int32?, any Error>) {
        var newVersion: Int32?
        switch outcome {
        case .success(let version):
            newVersion = version
            if version == nil, writer.withLock({ $0 }) != nil {
                logger.info("Cached zkVersion \(update.zkVersion) of \(update.topicPartition) is stale; skipping the ISR update")
            }
        case .failure(let error):
            logger.error("Could not write the ISR of \(update.topicPartition): \(error)")
        }
        if partition.completeIsrUpdate(update, newZkVersion: newVersion) {
            activity.notify(update.topicPartition)
        }
        if newVersion != nil {
            let now = Self.nowMs()
            isrChanges.withLock { batch in
                batch.partitions.insert(update.topicPartition)
                batch.lastChangeMs = now
            }
        }
    }

    /// Kafka's `maybePropagateIsrChanges`: once ISR changes have been quiet for 5 s, or 60 s after
    /// the last propagation, one `/isr_change_notification` znode lists them.
    func maybePropagateIsrChanges() async {
        let now = Self.nowMs()
        let due: [TopicPartition] = isrChanges.withLock { batch in
            guard !batch.partitions.isEmpty,
                batch.lastChangeMs + 5_000 < now || batch.lastPropagationMs + 60_000 < now
            else { return [] }
            let partitions = batch.partitions.sorted()
            batch.partitions = []
            batch.lastPropagationMs = now
            return partitions
        }
        guard !due.isEmpty, let writer = writer.withLock({ $0 }) else { return }
        do {
            try await writer.notifyIsrChanges(due)
        } catch {
            logger.error("Could not write an ISR change notification for \(due.count) partitions: \(error)")
            isrChanges.withLock { $0.partitions.formUnion(due) }
        }
    }
}

/// Which followers may join an ISR, as a reference: reading it out of a Mutex copies a pointer, not a closure.
final class IsrEligibilityRule: Sendable {
    let isEligible: @Sendable (BrokerID) -> Bool
    init(_ isEligible: @escaping @Sendable (BrokerID) -> Bool) { self.isEligible = isEligible }
}
