import KafkaModel

/// The controller's ``PartitionStateStore`` for an event that holds its broker requests back until it ends
/// (failover, broker change, controlled shutdown: the shell's `coalescingRequests`). Outside such a scope it
/// passes everything through.
///
/// Inside the scope it adds two things, neither of which changes an outcome (issue 14):
///
/// - **Read your writes.** A partition state this controller wrote (or created) in the scope, and whose
///   requests have not gone out yet (``settleChains()``), is answered from memory when a state machine reads it
///   again. Kafka 2.8 reads it afresh (`doRemoveReplicasFromIsr` after
///   `doElectLeaderForPartitions` in `onReplicasBecomeOffline`: 3,333 reads when a broker leading 3,333
///   partitions dies), but nothing can have changed it: the write was a compare-and-set, the only other writers
///   are leaders shrinking or expanding the ISR with the zkVersion of their last `LeaderAndIsr` — and the
///   `LeaderAndIsr` carrying the new zkVersion is among the held requests, so their writes fail — and a newer
///   controller, which fences every later write of this one.
/// - **Planned writes** (``writeAhead(_:controllerEpoch:expectedControllerEpochZKVersion:)``): a state machine
///   step may write a partition that a later step of the same event writes again (failover: the replica state
///   machine removes a dead leader from the ISR, leader -1, then the partition state machine elects a new one).
///   A ``SinglePassPlan`` computes each partition's chain of states from the loaded context; the last state of
///   each chain is written at once with compare-and-set on the loaded zkVersion (one fenced multi per 100
///   partitions), and the state machines then run as before: each write they make that is the next step of a
///   written chain is answered with the chain's real zkVersion, without a request. The znode goes straight to
///   the state Kafka's two writes leave (same leader, ISR and leader epoch; its version grows by one instead of
///   two); the trace and the state-change log still show every step. A partition whose write-ahead answers
///   `BADVERSION` is not planned: the state machines write it themselves, re-read it and retry, as Kafka does.
///   A write that differs from the plan goes to ZooKeeper as it is (compare-and-set on the version the state
///   machine holds), so a wrong plan costs a write, never a wrong state; a chain still unfinished when the
///   scope ends is put back to what the state machines last wrote (``endHoldingRequests()``).
///
/// Threading contract: the controller event thread, like the state machines.
public final class EventScopedPartitionStateStore: PartitionStateStore {
    public let underlying: any PartitionStateStore

    /// What the scope did, for tests and the failover's log line.
    public struct Statistics: Sendable, Hashable {
        /// Partition reads answered from this scope's writes.
        public var readsAnswered = 0
        /// Partitions written ahead (one write each).
        public var writtenAhead = 0
        /// State machine writes answered from a written-ahead chain (each one a ZooKeeper write saved, except
        /// the chain's last).
        public var plannedWritesAnswered = 0
        /// State machine writes that differed from the plan (written to ZooKeeper as they were).
        public var plannedWritesMissed = 0
        /// Chains put back when the scope ended.
        public var chainsRestored = 0
        /// Passes whose requests were let out before the scope ended (``settleChains()``).
        public var settled = 0

        public init() {}
    }

    public private(set) var statistics = Statistics()
    /// States written in this scope (nil: not holding requests).
    private var written: [TopicPartition: LeaderISRAndControllerEpoch]?
    private var chains: [TopicPartition: WrittenChain] = [:]

    /// A written-ahead chain: the znode holds `steps.last` at `writtenVersion`; the state machines have been
    /// answered `steps[..<next]`.
    private struct WrittenChain {
        var loaded: LeaderAndISR
        var baseVersion: Int32
        var writtenVersion: Int32
        var steps: [LeaderAndISR]
        var next = 0
        var controllerEpoch: Int32
        var expectedVersion: Int32 { next == 0 ? baseVersion : writtenVersion }
    }

    public init(_ underlying: any PartitionStateStore) {
        self.underlying = underlying
    }

    /// Whether a scope is open.
    public var isHoldingRequests: Bool { written != nil }

    /// Opens a scope (the event starts holding its requests).
    public func beginHoldingRequests() {
        written = [:]
        chains = [:]
        statistics = Statistics()
    }

    /// Called when a state machine pass ended and the event is about to send the requests it holds (Kafka sends
    /// after every pass: ``ControllerRequestSender/sendHeldBatches()``). Returns whether they may go now.
    ///
    /// Not while a written-ahead chain is part-way (the state machines were answered some of its steps but not
    /// the last): the held requests carry an intermediate state with the zkVersion of the chain's last one, and a
    /// leader writing with that version would overwrite a state it never saw. The failover's chains (ISR shrink
    /// in the replica pass, election in the partition pass) are such; they go out when the event ends.
    ///
    /// Otherwise the finished chains are settled and this scope forgets what it wrote: once brokers hold a
    /// partition's new zkVersion its leader may write the znode (ISR changes), so later reads go to ZooKeeper as
    /// Kafka's do. Chains the state machines have not reached yet stay (no request carries their written state;
    /// a leader writing with the version it holds gets `BADVERSION`).
    public func settleChains() -> Bool {
        guard let current = written else { return true }
        if chains.values.contains(where: { $0.next > 0 && $0.next < $0.steps.count }) { return false }
        chains = chains.filter { $0.value.next == 0 }
        written = current.filter { chains[$0.key] != nil }
        statistics.settled += 1
        return true
    }

    /// Closes the scope without restoring anything (the event failed: the controller moved and resigns).
    public func abandonHoldingRequests() {
        written = nil
        chains = [:]
    }

    /// Closes the scope before the held requests go out. Chains the state machines did not finish (a plan that
    /// did not match what they did) are written back to the state they were last answered, or to the loaded
    /// state if they took none of it; returns those states (with their new zkVersion) so the caller can put them
    /// in the context.
    @discardableResult
    public func endHoldingRequests(
        expectedControllerEpochZKVersion: Int32
    ) throws -> [TopicPartition: LeaderISRAndControllerEpoch] {
        defer {
            written = nil
            chains = [:]
        }
        let unfinished = chains.filter { $0.value.next < $0.value.steps.count }
        guard !unfinished.isEmpty else { return [:] }
        statistics.chainsRestored += unfinished.count
        var restored: [TopicPartition: LeaderISRAndControllerEpoch] = [:]
        for (epoch, group) in Dictionary(grouping: unfinished, by: { $0.value.controllerEpoch }) {
            var writes: [TopicPartition: LeaderAndISR] = [:]
            for (partition, chain) in group {
                // What the state machines believe the znode holds: the last step they were answered, or the
                // loaded state if they took none.
                var state = chain.next > 0 ? chain.steps[chain.next - 1] : chain.loaded
                state.zkVersion = chain.writtenVersion
                writes[partition] = state
            }
            for (partition, outcome) in try underlying.updateLeaderAndISR(
                writes, controllerEpoch: epoch, expectedControllerEpochZKVersion: expectedControllerEpochZKVersion)
            {
                if case .success(let state) = outcome {
                    restored[partition] = LeaderISRAndControllerEpoch(leaderAndISR: state, controllerEpoch: epoch)
                }
            }
        }
        return restored
    }

    /// Writes the last state of every chain with compare-and-set on its first state's zkVersion, and answers the
    /// state machines' writes of those chains from then on (see the type's documentation). Partitions that fail
    /// (`BADVERSION`, a missing znode) are left to the state machines. Only inside a scope.
    ///
    /// - Parameter plan: per partition, the loaded state (with its zkVersion) and the states the state machines
    ///   will write in order (``SinglePassPlan/chains``).
    /// - Returns: the partitions written ahead.
    @discardableResult
    public func writeAhead(
        _ plan: [TopicPartition: SinglePassPlan.Chain], controllerEpoch: Int32, expectedControllerEpochZKVersion: Int32
    ) throws -> Set<TopicPartition> {
        guard written != nil else { return [] }
        var lastStates: [TopicPartition: LeaderAndISR] = [:]
        for (partition, chain) in plan {
            guard var last = chain.steps.last, chains[partition] == nil else { continue }
            last.zkVersion = chain.loaded.zkVersion
            lastStates[partition] = last
        }
        guard !lastStates.isEmpty else { return [] }
        var done: Set<TopicPartition> = []
        for (partition, outcome) in try underlying.updateLeaderAndISR(
            lastStates, controllerEpoch: controllerEpoch, expectedControllerEpochZKVersion: expectedControllerEpochZKVersion)
        {
            guard case .success(let state) = outcome, let planned = plan[partition] else { continue }
            chains[partition] = WrittenChain(
                loaded: planned.loaded, baseVersion: planned.loaded.zkVersion, writtenVersion: state.zkVersion,
                steps: planned.steps, controllerEpoch: controllerEpoch)
            written?[partition] = LeaderISRAndControllerEpoch(leaderAndISR: state, controllerEpoch: controllerEpoch)
            done.insert(partition)
        }
        statistics.writtenAhead += done.count
        return done
    }

    // MARK: - PartitionStateStore

    public func partitionStates(
        _ partitions: [TopicPartition]
    ) throws -> [TopicPartition: Result<LeaderISRAndControllerEpoch?, PartitionStateStoreError>] {
        guard let written, !written.isEmpty else { return try underlying.partitionStates(partitions) }
        var states: [TopicPartition: Result<LeaderISRAndControllerEpoch?, PartitionStateStoreError>] = [:]
        var unknown: [TopicPartition] = []
        for partition in partitions {
            if let state = written[partition] {
                states[partition] = .success(state)
            } else {
                unknown.append(partition)
            }
        }
        statistics.readsAnswered += partitions.count - unknown.count
        if !unknown.isEmpty {
            for (partition, state) in try underlying.partitionStates(unknown) { states[partition] = state }
        }
        return states
    }

    public func createPartitionStates(
        _ states: [TopicPartition: LeaderISRAndControllerEpoch], expectedControllerEpochZKVersion: Int32
    ) throws -> [TopicPartition: Result<Int32, PartitionStateStoreError>] {
        let results = try underlying.createPartitionStates(
            states, expectedControllerEpochZKVersion: expectedControllerEpochZKVersion)
        if written != nil {
            for (partition, outcome) in results {
                guard case .success(let version) = outcome, var state = states[partition] else { continue }
                state.leaderAndISR.zkVersion = version
                written?[partition] = state
            }
        }
        return results
    }

    public func updateLeaderAndISR(
        _ leaderAndISRs: [TopicPartition: LeaderAndISR], controllerEpoch: Int32, expectedControllerEpochZKVersion: Int32
    ) throws -> [TopicPartition: Result<LeaderAndISR, PartitionStateStoreError>] {
        guard written != nil else {
            return try underlying.updateLeaderAndISR(
                leaderAndISRs, controllerEpoch: controllerEpoch, expectedControllerEpochZKVersion: expectedControllerEpochZKVersion)
        }
        var results: [TopicPartition: Result<LeaderAndISR, PartitionStateStoreError>] = [:]
        var toWrite: [TopicPartition: LeaderAndISR] = [:]
        for (partition, state) in leaderAndISRs {
            guard var chain = chains[partition], chain.next < chain.steps.count else {
                toWrite[partition] = state
                continue
            }
            if chain.controllerEpoch == controllerEpoch && state.zkVersion == chain.expectedVersion
                && Self.sameContent(state, chain.steps[chain.next])
            {
                chain.next += 1
                chains[partition] = chain
                var answered = state
                answered.zkVersion = chain.writtenVersion
                results[partition] = .success(answered)
                statistics.plannedWritesAnswered += 1
            } else {
                // Not what was planned: the znode holds the chain's last state, so the write goes to ZooKeeper as
                // the state machine made it and the chain is over.
                chains[partition] = nil
                statistics.plannedWritesMissed += 1
                toWrite[partition] = state
            }
        }
        if !toWrite.isEmpty {
            for (partition, outcome) in try underlying.updateLeaderAndISR(
                toWrite, controllerEpoch: controllerEpoch, expectedControllerEpochZKVersion: expectedControllerEpochZKVersion)
            {
                results[partition] = outcome
                if case .success(let state) = outcome {
                    written?[partition] = LeaderISRAndControllerEpoch(leaderAndISR: state, controllerEpoch: controllerEpoch)
                }
            }
        }
        return results
    }

    public func uncleanLeaderElectionEnabled(topics: Set<String>) throws -> [String: Bool] {
        try underlying.uncleanLeaderElectionEnabled(topics: topics)
    }

    /// Leader, leader epoch and ISR equal (the zkVersion is the compare-and-set token, not content).
    static func sameContent(_ a: LeaderAndISR, _ b: LeaderAndISR) -> Bool {
        a.leader == b.leader && a.leaderEpoch == b.leaderEpoch && a.isr == b.isr
    }
}
