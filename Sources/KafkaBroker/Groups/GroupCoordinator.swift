import Foundation
import KafkaConfig
import KafkaGroupCoordinator
import KafkaModel
import KafkaProtocol
import Logging
import Synchronization

/// The group coordinator of one broker (Kafka 2.8 `GroupCoordinator` + `GroupMetadataManager`),
/// the imperative shell around the `ConsumerGroup` state machines: it owns the groups of the
/// `__consumer_offsets` partitions this broker leads, parks JoinGroup and SyncGroup requests until
/// their group answers them (Kafka's join purgatory), runs the clock that expires sessions and ends
/// join phases independently of request handlers (the heartbeat and rebalance purgatories), and
/// appends group and offset records through the replica manager with acks=all.
public final class GroupCoordinator: Sendable {
    /// Whether this broker serves the groups of an offsets partition.
    enum Ownership: Sendable, Equatable {
        /// Being loaded from the log (COORDINATOR_LOAD_IN_PROGRESS); the number tells loads apart.
        case loading(UInt64)
        case loaded
    }

    struct State: Sendable {
        var groups: [String: ConsumerGroup] = [:]
        var partitions: [Int32: Ownership] = [:]
        var parkedJoins: [UInt64: CheckedContinuation<JoinGroupOutcome, Never>] = [:]
        var parkedSyncs: [UInt64: CheckedContinuation<SyncGroupOutcome, Never>] = [:]
        var nextToken: UInt64 = 0
        var loads: UInt64 = 0

        mutating func token() -> UInt64 {
            nextToken += 1
            return nextToken
        }
    }

    /// What to do once the lock is released: answer parked requests, append records.
    enum Effect: Sendable {
        case resumeJoin(CheckedContinuation<JoinGroupOutcome, Never>, JoinGroupOutcome)
        case resumeSync(CheckedContinuation<SyncGroupOutcome, Never>, SyncGroupOutcome)
        /// A group record appended locally (or refused): wait for the ISR, then report when awaited.
        case stored(groupId: String, generation: Int32, Result<PendingAppend, AppendFailure>, awaitsResult: Bool)
    }

    static let offsetsTopic = "__consumer_offsets"
    /// How often the clock ticks the groups: the resolution of session and join deadlines.
    static let tickIntervalMs: Int64 = 100

    let brokerID: BrokerID
    let config: GroupCoordinatorConfig
    let brokerConfig: BrokerConfig
    let replicaManager: ReplicaManager
    let logger: Logger
    let state = Mutex(State())
    /// `<log.dir>/group-coordinator-trace.jsonl`, nil if it cannot be opened.
    let trace: GroupTraceWriter?
    private let tasks = Mutex<[Task<Void, Never>]>([])

    init(brokerConfig: BrokerConfig, replicaManager: ReplicaManager, logger: Logger) {
        self.brokerID = brokerConfig.brokerID
        self.brokerConfig = brokerConfig
        self.config = GroupCoordinatorConfig(
            minSessionTimeoutMs: brokerConfig.groupMinSessionTimeoutMs, maxSessionTimeoutMs: brokerConfig.groupMaxSessionTimeoutMs,
            initialRebalanceDelayMs: Int64(brokerConfig.groupInitialRebalanceDelayMs), maxSize: Int(brokerConfig.groupMaxSize),
            offsetMetadataMaxBytes: brokerConfig.offsetMetadataMaxBytes,
            offsetsRetentionMs: brokerConfig.offsetsRetentionMinutes * 60_000)
        self.replicaManager = replicaManager
        self.logger = logger
        if let directory = brokerConfig.logDirs.first {
            do {
                trace = try GroupTraceWriter(directory: directory, logger: logger)
            } catch {
                logger.warning("Cannot write the group coordinator trace in \(directory): \(error)")
                trace = nil
            }
        } else {
            trace = nil
        }
    }

    /// Writes the group's trace line if it changed (call under the lock, after storing the group).
    func traceGroup(_ groupId: String, in state: State) {
        trace?.observe(state.groups[groupId], groupId: groupId, broker: brokerID)
    }

    static func nowMs() -> Int64 { ReplicaManager.nowMs() }

    /// The offsets partition of a group (Kafka's `partitionFor`).
    func partitionFor(_ groupId: String) -> Int32 {
        CoordinatorPartition.partition(for: groupId, partitionCount: brokerConfig.offsetsTopicNumPartitions)
    }

    /// Starts the clock (every 100 ms) and the offset expiry (every
    /// `offsets.retention.check.interval.ms`). They stop when the coordinator is released.
    func startup() {
        let clock = Task.detached { [weak self] in
            while !Task.isCancelled {
                do { try await Task.sleep(for: .milliseconds(Self.tickIntervalMs)) } catch { return }
                guard let self else { return }
                self.tick()
            }
        }
        let interval = brokerConfig.offsetsRetentionCheckIntervalMs
        let expiry = Task.detached { [weak self] in
            while !Task.isCancelled {
                do { try await Task.sleep(for: .milliseconds(interval)) } catch { return }
                guard let self else { return }
                await self.expireOffsets()
            }
        }
        tasks.withLock { $0 = [clock, expiry] }
    }

    /// Stops the clock and unloads every group (Kafka's `GroupCoordinator.shutdown`); parked
    /// JoinGroup and SyncGroup requests are answered NOT_COORDINATOR at once, so request handlers
    /// finish and the network layer can stop (a parked JoinGroup could otherwise hold it for the
    /// rebalance timeout).
    func shutdown() {
        tasks.withLock { tasks in
            for task in tasks { task.cancel() }
            tasks = []
        }
        let now = Self.nowMs()
        let effects = state.withLock { state -> [Effect] in
            var effects: [Effect] = []
            for (groupId, var group) in state.groups {
                effects += takeEffects(of: group.unload(nowMs: now), in: &state)
                state.groups[groupId] = nil
            }
            state.partitions = [:]
            effects += state.parkedJoins.values.map { .resumeJoin($0, .failure(.notCoordinator, memberId: "")) }
            effects += state.parkedSyncs.values.map { .resumeSync($0, .failure(.notCoordinator)) }
            state.parkedJoins = [:]
            state.parkedSyncs = [:]
            return effects
        }
        run(effects)
    }

    deinit { tasks.withLock { for task in $0 { task.cancel() } } }

    /// Kafka's `validateGroupStatus`, under the lock: the group id, then whether this broker
    /// coordinates the group now.
    func statusError(_ groupId: String, allowEmptyGroupId: Bool, in state: State) -> KafkaErrorCode? {
        if groupId.isEmpty && !allowEmptyGroupId { return .invalidGroupID }
        switch state.partitions[partitionFor(groupId)] {
        case nil: return .notCoordinator
        case .loading: return .coordinatorLoadInProgress
        case .loaded: return nil
        }
    }

    /// Turns a group's actions into effects, taking the parked continuations they answer.
    func takeEffects(of actions: [GroupAction], in state: inout State) -> [Effect] {
        actions.compactMap { action in
            switch action {
            case .completeJoin(let token, let outcome):
                return state.parkedJoins.removeValue(forKey: token).map { .resumeJoin($0, outcome) }
            case .completeSync(let token, let outcome):
                return state.parkedSyncs.removeValue(forKey: token).map { .resumeSync($0, outcome) }
            case .storeGroup(let value, let awaits):
                return .stored(groupId: value.groupId, generation: value.generation, appendGroupRecord(value), awaitsResult: awaits)
            }
        }
    }

    /// Runs effects outside the lock: answers parked requests, and waits in the background for
    /// the ISR to acknowledge appended group records (a store the group waits for reports back
    /// through `groupStored`).
    func run(_ effects: [Effect]) {
        for effect in effects {
            switch effect {
            case .resumeJoin(let continuation, let outcome): continuation.resume(returning: outcome)
            case .resumeSync(let continuation, let outcome): continuation.resume(returning: outcome)
            case .stored(let groupId, let generation, let appended, let awaits):
                Task.detached { [self] in
                    let error: KafkaErrorCode
                    switch appended {
                    case .success(let pending): error = Self.storeGroupError(await self.acknowledgement(of: pending))
                    case .failure(let failure): error = Self.storeGroupError(failure.code)
                    }
                    guard awaits else {
                        if error != .none { self.logger.warning("Failed to write metadata of group \(groupId): \(error)") }
                        return
                    }
                    let effects = self.state.withLock { state -> [Effect] in
                        guard var group = state.groups[groupId] else { return [] }
                        let actions = group.groupStored(generation: generation, error: error, nowMs: Self.nowMs())
                        state.groups[groupId] = group
                        self.traceGroup(groupId, in: state)
                        return self.takeEffects(of: actions, in: &state)
                    }
                    self.run(effects)
                }
            }
        }
    }

    /// Applies `body` to the group under the lock and runs the resulting effects.
    func withGroup(_ groupId: String, _ body: (inout ConsumerGroup, inout State) -> [GroupAction]) {
        let effects = state.withLock { state -> [Effect] in
            guard var group = state.groups[groupId] else { return [] }
            let actions = body(&group, &state)
            state.groups[groupId] = group
            self.traceGroup(groupId, in: state)
            return self.takeEffects(of: actions, in: &state)
        }
        run(effects)
    }

    func tick() {
        let now = Self.nowMs()
        let effects = state.withLock { state -> [Effect] in
            var effects: [Effect] = []
            for groupId in Array(state.groups.keys) {
                guard var group = state.groups[groupId], group.state != .dead else { continue }
                let actions = group.tick(nowMs: now)
                state.groups[groupId] = group
                self.traceGroup(groupId, in: state)
                effects += self.takeEffects(of: actions, in: &state)
            }
            return effects
        }
        run(effects)
    }

    /// Groups for ListGroups and admin tooling.
    var currentGroups: [ConsumerGroup] {
        state.withLock { state in state.groups.values.filter { $0.state != .dead } }.sorted { $0.groupId < $1.groupId }
    }

    /// Whether any offsets partition is still loading (ListGroups answers COORDINATOR_LOAD_IN_PROGRESS).
    var isLoading: Bool {
        state.withLock { $0.partitions.values.contains { if case .loading = $0 { true } else { false } } }
    }
}

extension GroupCoordinator {
    /// The hosted groups per state and their committed offsets (Kafka's `GroupMetadataManager` gauges,
    /// computed on read as Kafka's are).
    var metrics: BrokerMetricsSnapshot.Groups {
        state.withLock { state in
            var metrics = BrokerMetricsSnapshot.Groups()
            for group in state.groups.values {
                metrics.groupsByState[group.state, default: 0] += 1
                metrics.offsets += group.offsets.count
            }
            return metrics
        }
    }
}
