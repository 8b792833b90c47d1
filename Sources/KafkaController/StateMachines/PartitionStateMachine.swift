import KafkaModel
import Logging

/// What one ``PartitionStateMachine/handleStateChanges(_:to:strategy:cause:)`` call did.
public struct PartitionStateChangeResult: Sendable {
    /// For ``PartitionState/online`` targets: per partition that was initialised or elected, its new leader
    /// and ISR, or why not. Refused (invalid) transitions do not appear; see the trace.
    public var results: [TopicPartition: Result<LeaderAndISR, ControllerError>] = [:]
    /// The requests the operation produced, in send order (`LeaderAndIsr`, `UpdateMetadata`, `StopReplica`).
    public var requests: [ControllerBrokerRequest] = []
    /// Partitions whose new leader came from outside the ISR.
    public var uncleanLeaderElections: [TopicPartition] = []

    public init() {}
}

/// Kafka's `ZkPartitionStateMachine`: moves partitions between ``PartitionState``s, electing leaders and
/// writing leader/ISR through a ``PartitionStateStore``, and collects the resulting broker requests.
///
/// Transitions (target ← valid previous states: actions):
/// - ``PartitionState/new`` ← nonExistent: mark the state only (the assignment is already in the context).
/// - ``PartitionState/online`` ← new: *initialise*: live replicas = assigned replicas that are online, in
///   assignment order; none → failure, the partition stays New; else leader = first live replica, ISR = all
///   live replicas, leader epoch 0; create the state znode; on success cache it, add `LeaderAndIsr(isNew)`
///   for the ISR (+ `UpdateMetadata` to all) and mark Online; any create error → failure, state unchanged.
/// - ``PartitionState/online`` ← online, offline: *elect* with the given strategy: fresh read of the state
///   znodes (missing → failure; written by a newer controller → failure), run the election
///   (``PartitionLeaderElection``), CAS-write the result; `BADVERSION` → re-read and retry; success → cache,
///   `LeaderAndIsr` to the election's recipients (+ `UpdateMetadata` to all), mark Online. Failed elections
///   leave the state unchanged.
/// - ``PartitionState/offline`` ← new, online, offline: mark the state only.
/// - ``PartitionState/nonExistent`` ← offline: mark the state only.
///
/// A partition the context does not know is first put in ``PartitionState/nonExistent``. Invalid transitions
/// are refused, logged and traced, never applied.
///
/// Threading contract: confined to the controller event thread, like the ``ControllerContext`` it mutates.
public final class PartitionStateMachine {
    public let controllerID: BrokerID
    public let context: ControllerContext
    public let store: any PartitionStateStore
    private var batch = BrokerRequestBatch()
    private let recorder: StateChangeRecorder
    private let logger: Logger

    public init(
        controllerID: BrokerID, context: ControllerContext, store: any PartitionStateStore,
        traceSink: any ControllerTraceSink = DiscardingControllerTraceSink(),
        logger: Logger = Logger(label: "kafka.controller.state.change")
    ) {
        self.controllerID = controllerID
        self.context = context
        self.store = store
        self.logger = logger
        self.recorder = StateChangeRecorder(controllerID: controllerID, logger: logger, traceSink: traceSink)
    }

    // MARK: - Startup

    /// Sets every known partition's initial state from the cached leadership (Kafka's
    /// `initializePartitionState`): no leadership → New; leader online → Online; else → Offline.
    public func initializePartitionState() {
        for partition in context.allPartitions {
            if let info = context.partitionLeadershipInfo[partition] {
                let leader = info.leaderAndISR.leader
                context.putPartitionState(
                    partition, context.isReplicaOnline(leader, partition) ? .online : .offline)
            } else {
                context.putPartitionState(partition, .new)
            }
        }
    }

    /// Kafka's `PartitionStateMachine.startup`: ``initializePartitionState()`` then
    /// ``triggerOnlinePartitionStateChange(topic:cause:)``.
    public func startup(cause: String = "ControllerFailover") throws -> PartitionStateChangeResult {
        initializePartitionState()
        return try triggerOnlinePartitionStateChange(cause: cause)
    }

    /// Moves every New or Offline partition (optionally of one topic), except topics queued for deletion, to
    /// Online with the offline strategy without forced unclean election (Kafka's
    /// `triggerOnlinePartitionStateChange`).
    public func triggerOnlinePartitionStateChange(
        topic: String? = nil, cause: String
    ) throws -> PartitionStateChangeResult {
        let partitions = context.partitionsInStates([.new, .offline]).filter {
            !context.isTopicQueuedUpForDeletion($0.topic) && (topic == nil || $0.topic == topic)
        }
        return try handleStateChanges(partitions, to: .online, strategy: .offline(allowUnclean: false), cause: cause)
    }

    // MARK: - Transitions

    /// Moves `partitions` to `target` (Kafka's `handleStateChanges`): starts a fresh batch, applies the
    /// transitions, flushes the batch into ``PartitionStateChangeResult/requests``.
    ///
    /// - Parameters:
    ///   - strategy: required when `target` is ``PartitionState/online`` and some partition is already
    ///     Online or Offline; without it those partitions fail.
    ///   - cause: why (recorded in the trace), e.g. the event name.
    /// - Throws: ``ControllerError`` with code ``ControllerError/Code/controllerMoved`` when a fenced write
    ///   found a newer controller; every other error is turned into per-partition failures.
    public func handleStateChanges(
        _ partitions: [TopicPartition], to target: PartitionState, strategy: PartitionLeaderElectionStrategy? = nil,
        cause: String
    ) throws -> PartitionStateChangeResult {
        guard !partitions.isEmpty else { return PartitionStateChangeResult() }
        do {
            try batch.newBatch()
            var result = try doHandleStateChanges(partitions, to: target, strategy: strategy, cause: cause)
            result.requests = batch.makeRequests(
                controllerID: controllerID, controllerEpoch: context.epoch, context: context)
            return result
        } catch let error as ControllerError where error.code == .controllerMoved {
            logger.error("Controller moved to another broker when moving some partitions to \(target) state")
            batch.clear()
            throw error
        } catch {
            logger.error("Error while moving some partitions to \(target) state: \(error)")
            batch.clear()
            let failure = error as? ControllerError ?? ControllerError(.stateChangeFailed, "\(error)")
            var result = PartitionStateChangeResult()
            for partition in partitions { result.results[partition] = .failure(failure) }
            return result
        }
    }

    private func doHandleStateChanges(
        _ partitions: [TopicPartition], to target: PartitionState, strategy: PartitionLeaderElectionStrategy?,
        cause: String
    ) throws -> PartitionStateChangeResult {
        for partition in partitions { context.putPartitionStateIfNotExists(partition, .nonExistent) }
        let (valid, invalid) = context.checkValidPartitionStateChange(partitions, to: target)
        for partition in invalid {
            let current = context.partitionState(partition)
            recorder.partition(
                partition, from: current, to: target, controllerEpoch: context.epoch, cause: cause,
                outcome: .refused,
                reason: "\(current) is not a valid previous state; valid previous states are "
                    + target.validPreviousStates.map(\.description).sorted().joined(separator: ", "))
        }
        var result = PartitionStateChangeResult()
        switch target {
        case .new, .offline, .nonExistent:
            for partition in valid {
                let current = context.partitionState(partition)
                context.putPartitionState(partition, target)
                recorder.partition(
                    partition, from: current, to: target,
                    leaderAndISR: context.partitionLeadershipInfo[partition]?.leaderAndISR,
                    controllerEpoch: context.epoch, cause: cause, outcome: .applied)
            }
        case .online:
            let uninitialized = valid.filter { context.partitionState($0) == .new }
            let toElect = valid.filter { [.online, .offline].contains(context.partitionState($0)) }
            if !uninitialized.isEmpty {
                let initialized = try initializeLeaderAndISR(uninitialized, cause: cause)
                for (partition, outcome) in initialized { result.results[partition] = outcome }
            }
            if !toElect.isEmpty {
                guard let strategy else {
                    let failure = ControllerError(
                        .illegalState, "Election strategy is a required field when the target state is OnlinePartition")
                    for partition in toElect {
                        result.results[partition] = .failure(failure)
                        recorder.partition(
                            partition, from: context.partitionState(partition), to: .online,
                            controllerEpoch: context.epoch, cause: cause, outcome: .failed, reason: failure.message)
                    }
                    return result
                }
                let (elections, unclean) = try electLeaders(toElect, strategy: strategy, cause: cause)
                for (partition, outcome) in elections { result.results[partition] = outcome }
                result.uncleanLeaderElections = unclean.sorted()
            }
        }
        return result
    }

    // MARK: - New → Online

    /// Kafka's `initializeLeaderAndIsrForPartitions`.
    private func initializeLeaderAndISR(
        _ partitions: [TopicPartition], cause: String
    ) throws -> [TopicPartition: Result<LeaderAndISR, ControllerError>] {
        var outcomes: [TopicPartition: Result<LeaderAndISR, ControllerError>] = [:]
        var toCreate: [TopicPartition: LeaderISRAndControllerEpoch] = [:]
        for partition in partitions {
            let replicas = context.partitionReplicaAssignment(partition)
            let liveReplicas = replicas.filter { context.isReplicaOnline($0, partition) }
            guard let leader = liveReplicas.first else {
                let failure = ControllerError(
                    .stateChangeFailed,
                    "Controller \(controllerID) epoch \(context.epoch) encountered error during state change of "
                        + "partition \(partition) from New to Online, assigned replicas are "
                        + "[\(replicas.map(String.init).joined(separator: ","))], live brokers are "
                        + "[\(context.liveBrokerIDs.sorted().map(String.init).joined(separator: ","))]. "
                        + "No assigned replica is alive.")
                outcomes[partition] = .failure(failure)
                recorder.partition(
                    partition, from: .new, to: .online, controllerEpoch: context.epoch, cause: cause,
                    outcome: .failed, reason: failure.message)
                continue
            }
            toCreate[partition] = LeaderISRAndControllerEpoch(
                leaderAndISR: LeaderAndISR(leader: leader, isr: liveReplicas), controllerEpoch: context.epoch)
        }
        guard !toCreate.isEmpty else { return outcomes }
        let responses: [TopicPartition: Result<Int32, PartitionStateStoreError>]
        do {
            responses = try store.createPartitionStates(
                toCreate, expectedControllerEpochZKVersion: context.epochZKVersion)
        } catch let error as ControllerError where error.code == .controllerMoved {
            throw error
        } catch {
            for partition in toCreate.keys.sorted() {
                outcomes[partition] = .failure(ControllerError(.stateChangeFailed, "\(error)"))
                recorder.partition(
                    partition, from: .new, to: .online, controllerEpoch: context.epoch, cause: cause,
                    outcome: .failed, reason: "\(error)")
            }
            return outcomes
        }
        for partition in toCreate.keys.sorted() {
            var state = toCreate[partition]!
            switch responses[partition] ?? .failure(.other("no response")) {
            case .success(let zkVersion):
                state.leaderAndISR.zkVersion = zkVersion
                context.putPartitionLeadershipInfo(partition, state)
                batch.addLeaderAndISRRequest(
                    brokerIDs: state.leaderAndISR.isr, partition: partition, leaderISRAndControllerEpoch: state,
                    assignment: context.partitionFullReplicaAssignment(partition), isNew: true, context: context)
                context.putPartitionState(partition, .online)
                outcomes[partition] = .success(state.leaderAndISR)
                recorder.partition(
                    partition, from: .new, to: .online, leaderAndISR: state.leaderAndISR,
                    controllerEpoch: context.epoch, cause: cause, outcome: .applied)
            case .failure(let error):
                let failure = ControllerError(
                    .stateChangeFailed, "Could not create the partition state znode of \(partition): \(error)")
                outcomes[partition] = .failure(failure)
                recorder.partition(
                    partition, from: .new, to: .online, controllerEpoch: context.epoch, cause: cause,
                    outcome: .failed, reason: failure.message)
            }
        }
        return outcomes
    }

    // MARK: - Online/Offline → Online

    /// Kafka's `electLeaderForPartitions`: repeats ``doElectLeaders(_:strategy:)`` until no partition is left
    /// to retry after a `BADVERSION`.
    private func electLeaders(
        _ partitions: [TopicPartition], strategy: PartitionLeaderElectionStrategy, cause: String
    ) throws -> ([TopicPartition: Result<LeaderAndISR, ControllerError>], Set<TopicPartition>) {
        var remaining = partitions
        var finished: [TopicPartition: Result<LeaderAndISR, ControllerError>] = [:]
        var unclean: Set<TopicPartition> = []
        var firstRound = true
        while !remaining.isEmpty {
            let previousStates = Dictionary(uniqueKeysWithValues: remaining.map { ($0, context.partitionState($0)) })
            let attempt = try doElectLeaders(remaining, strategy: strategy, fromContext: firstRound)
            firstRound = false
            remaining = attempt.retry
            for (partition, outcome) in attempt.finished.sorted(by: { $0.key < $1.key }) {
                finished[partition] = outcome
                let from = previousStates[partition] ?? .nonExistent
                switch outcome {
                case .success(let leaderAndISR):
                    context.putPartitionState(partition, .online)
                    let isUnclean = attempt.unclean.contains(partition)
                    if isUnclean { unclean.insert(partition) }
                    recorder.partition(
                        partition, from: from, to: .online, leaderAndISR: leaderAndISR,
                        controllerEpoch: context.epoch, cause: cause, outcome: .applied,
                        reason: isUnclean ? "unclean leader election" : nil)
                case .failure(let error):
                    recorder.partition(
                        partition, from: from, to: .online, controllerEpoch: context.epoch, cause: cause,
                        outcome: .failed, reason: error.message)
                }
            }
            if !remaining.isEmpty {
                logger.info("Retrying leader election with strategy \(strategy) for partitions \(remaining)")
            }
        }
        return (finished, unclean)
    }

    private struct ElectionAttempt {
        var finished: [TopicPartition: Result<LeaderAndISR, ControllerError>] = [:]
        var retry: [TopicPartition] = []
        var unclean: Set<TopicPartition> = []
    }

    /// Kafka's `doElectLeaderForPartitions`: one read–elect–CAS round. The first round starts from the states the
    /// context holds (`PartitionStateStore.partitionStates(_:cachedIn:)`: the CAS catches stale ones); partitions
    /// it would fail without writing (no leader, newer controller epoch) are retried too, since no CAS checked the
    /// state they were decided on. Retries read ZooKeeper, as Kafka's every round does.
    private func doElectLeaders(
        _ partitions: [TopicPartition], strategy: PartitionLeaderElectionStrategy, fromContext: Bool
    ) throws -> ElectionAttempt {
        var attempt = ElectionAttempt()
        let states: [TopicPartition: Result<LeaderISRAndControllerEpoch?, PartitionStateStoreError>]
        do {
            states = fromContext ? try store.partitionStates(partitions, cachedIn: context) : try store.partitionStates(partitions)
        } catch let error as ControllerError where error.code == .controllerMoved {
            throw error
        } catch {
            for partition in partitions {
                attempt.finished[partition] = .failure(ControllerError(.stateChangeFailed, "\(error)"))
            }
            return attempt
        }
        var valid: [(TopicPartition, LeaderAndISR)] = []
        for partition in partitions {
            switch states[partition] ?? .success(nil) {
            case .success(let stored?):
                if stored.controllerEpoch > context.epoch && fromContext {
                    attempt.retry.append(partition)  // decided on a cached state: confirm with a fresh read
                } else if stored.controllerEpoch > context.epoch {
                    attempt.finished[partition] = .failure(
                        ControllerError(
                            .stateChangeFailed,
                            "Aborted leader election for partition \(partition) since the LeaderAndIsr path was "
                                + "already written by another controller. This probably means that the current "
                                + "controller \(controllerID) went through a soft failure and another controller "
                                + "was elected with epoch \(stored.controllerEpoch)."))
                } else {
                    valid.append((partition, stored.leaderAndISR))
                }
            case .success(nil), .failure(.noNode):
                attempt.finished[partition] = .failure(
                    ControllerError(
                        .stateChangeFailed,
                        "LeaderAndIsr information doesn't exist for partition \(partition) in "
                            + "\(context.partitionState(partition)) state"))
            case .failure(let error):
                attempt.finished[partition] = .failure(ControllerError(.stateChangeFailed, "\(error)"))
            }
        }
        guard !valid.isEmpty else { return attempt }

        let elections: [ElectionResult]
        switch strategy {
        case .offline(let allowUnclean):
            elections = try collectUncleanLeaderElectionState(valid, allowUnclean: allowUnclean).map {
                PartitionLeaderElection.leaderForOffline(
                    $0.partition, leaderAndISR: $0.leaderAndISR, uncleanLeaderElectionEnabled: $0.unclean,
                    context: context)
            }
        case .reassign:
            elections = valid.map { PartitionLeaderElection.leaderForReassign($0.0, leaderAndISR: $0.1, context: context) }
        case .preferredReplica:
            elections = valid.map {
                PartitionLeaderElection.leaderForPreferredReplica($0.0, leaderAndISR: $0.1, context: context)
            }
        case .controlledShutdown:
            elections = valid.map {
                PartitionLeaderElection.leaderForControlledShutdown($0.0, leaderAndISR: $0.1, context: context)
            }
        }
        var toWrite: [TopicPartition: LeaderAndISR] = [:]
        var recipients: [TopicPartition: [BrokerID]] = [:]
        for election in elections {
            guard let leaderAndISR = election.leaderAndISR else {
                // No write means no CAS to catch a stale cached state: confirm the failure with a fresh read.
                if fromContext {
                    attempt.retry.append(election.topicPartition)
                    continue
                }
                attempt.finished[election.topicPartition] = .failure(
                    ControllerError(
                        .stateChangeFailed,
                        "Failed to elect leader for partition \(election.topicPartition) under strategy \(strategy)"))
                continue
            }
            toWrite[election.topicPartition] = leaderAndISR
            recipients[election.topicPartition] = election.liveReplicas
            if election.isUnclean { attempt.unclean.insert(election.topicPartition) }
        }
        guard !toWrite.isEmpty else { return attempt }
        let writes = try store.updateLeaderAndISR(
            toWrite, controllerEpoch: context.epoch, expectedControllerEpochZKVersion: context.epochZKVersion)
        for partition in toWrite.keys.sorted() {
            switch writes[partition] ?? .failure(.other("no response")) {
            case .success(let written):
                let info = LeaderISRAndControllerEpoch(leaderAndISR: written, controllerEpoch: context.epoch)
                context.putPartitionLeadershipInfo(partition, info)
                batch.addLeaderAndISRRequest(
                    brokerIDs: recipients[partition] ?? [], partition: partition, leaderISRAndControllerEpoch: info,
                    assignment: context.partitionFullReplicaAssignment(partition), isNew: false, context: context)
                attempt.finished[partition] = .success(written)
            case .failure(.badVersion):
                attempt.retry.append(partition)
                attempt.unclean.remove(partition)
            case .failure(let error):
                attempt.finished[partition] = .failure(
                    ControllerError(.stateChangeFailed, "Could not write the leader and ISR of \(partition): \(error)"))
                attempt.unclean.remove(partition)
            }
        }
        return attempt
    }

    /// Kafka's `collectUncleanLeaderElectionState`: partitions with a live ISR member never go unclean; for the
    /// others `allowUnclean` decides, or else the topic's `unclean.leader.election.enable` (a topic whose
    /// config cannot be read gets no election: `leaderAndISR` nil).
    private func collectUncleanLeaderElectionState(
        _ leaderAndISRs: [(TopicPartition, LeaderAndISR)], allowUnclean: Bool
    ) throws -> [(partition: TopicPartition, leaderAndISR: LeaderAndISR?, unclean: Bool)] {
        var withLiveISR: [(TopicPartition, LeaderAndISR)] = []
        var withoutLiveISR: [(TopicPartition, LeaderAndISR)] = []
        for (partition, leaderAndISR) in leaderAndISRs {
            if leaderAndISR.isr.contains(where: { context.isReplicaOnline($0, partition) }) {
                withLiveISR.append((partition, leaderAndISR))
            } else {
                withoutLiveISR.append((partition, leaderAndISR))
            }
        }
        var result: [(partition: TopicPartition, leaderAndISR: LeaderAndISR?, unclean: Bool)] = []
        if allowUnclean {
            result += withoutLiveISR.map { ($0.0, $0.1, true) }
        } else if !withoutLiveISR.isEmpty {
            let topics = Set(withoutLiveISR.map(\.0.topic))
            var configs: [String: Bool] = [:]
            do {
                configs = try store.uncleanLeaderElectionEnabled(topics: topics)
            } catch let error as ControllerError where error.code == .controllerMoved {
                throw error
            } catch {
                logger.error("Could not read the configs of topics \(topics.sorted()): \(error)")
            }
            for (partition, leaderAndISR) in withoutLiveISR {
                if let enabled = configs[partition.topic] {
                    result.append((partition, leaderAndISR, enabled))
                } else {
                    result.append((partition, nil, false))
                }
            }
        }
        result += withLiveISR.map { ($0.0, $0.1, false) }
        return result
    }
}
