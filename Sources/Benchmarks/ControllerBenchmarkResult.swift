/// One row of `zkafka bench controller`: the figures for one partition count, measured on a fresh
/// local cluster. Times are seconds; nil means not measured (the reason is in `notes`).
public struct ControllerBenchmarkResult: Sendable, Codable {
    public var partitions: Int
    /// Set when the row was not run (e.g. "not run: estimated 25 min").
    public var skipped: String?

    /// The ensemble's own limits, measured on this row's cluster before any topic exists
    /// (`ZooKeeperBenchmark`, pipelined get and set).
    public var ensembleReadsPerSecond: Double?
    public var ensembleWritesPerSecond: Double?

    /// Writing the topic znodes until every broker's cache shows a leader for every partition.
    public var creationSeconds: Double?

    /// One more one-partition topic on the quiet cluster: create call → every broker's cache shows its leader.
    public var propagationSeconds: Double?

    /// Controller failover (kill -9 of the active controller).
    public var controllerDetectionSeconds: Double?  // kill → /controller gone (session expiry)
    public var newControllerSeconds: Double?  // /controller gone → a new /controller
    public var contextLoadSeconds: Double?  // the new controller's "Initialized controller context in X ms"
    public var stateMachinesSeconds: Double?  // its "Started the state machines and queued their requests in X ms"
    public var requestsAnsweredSeconds: Double?  // the slowest "Broker B answered LeaderAndIsr/UpdateMetadata for N partitions X ms after it was queued" of the failover
    public var failoverMetadataSeconds: Double?  // /controller gone → every live broker's cache shows the new controller and a live leader everywhere
    public var failoverFromKillSeconds: Double?  // kill → the same
    /// ZooKeeper mode: the ensemble measured on the populated tree just before the kill (`FailoverEnsembleBound`):
    /// every partition state read pipelined, and the rate of partition states written in fenced multis of 100.
    public var failoverStateReadSeconds: Double?
    public var failoverMultiWritesPerSecond: Double?
    /// The partition states the new controller's failover wrote (its log's "Partition states of this event" line).
    public var failoverPartitionWrites: Int?

    /// Death of a broker (kill -9) leading `deadBrokerLed` partitions.
    public var deadBrokerLed: Int?
    public var brokerDetectionSeconds: Double?  // kill → /brokers/ids/N gone
    public var releadZooKeeperSeconds: Double?  // /brokers/ids/N gone → last new leader written (controller trace)
    public var releadCachesSeconds: Double?  // /brokers/ids/N gone → every live broker's cache shows new leaders

    /// Controlled shutdown (SIGTERM) of a broker leading `shutdownBrokerLed` partitions.
    public var shutdownBrokerLed: Int?
    public var controlledShutdownZooKeeperSeconds: Double?  // SIGTERM → last new leader written (controller trace)
    public var controlledShutdownSeconds: Double?  // SIGTERM → every other broker's cache shows none led by it
    public var shutdownExitSeconds: Double?  // SIGTERM → process gone

    /// Peak resident set size (VmHWM) per broker id over every incarnation, in bytes, and which
    /// brokers were controllers.
    public var peakResidentBytes: [Int32: Int] = [:]
    public var controllers: [Int32] = []
    /// KRaft: peak resident set size per controller-only process (ZooKeeper mode's controller is a broker).
    public var controllerProcessPeakBytes: [Int32: Int] = [:]

    /// Wall time of the whole row (cluster up to down), for estimating bigger rows.
    public var rowSeconds: Double?
    public var notes: [String] = []

    public init(partitions: Int) { self.partitions = partitions }

    /// One read per partition at the ensemble's pipelined read rate, times 1.25: the failover target.
    public var failoverTargetSeconds: Double? {
        ensembleReadsPerSecond.map { 1.25 * Double(partitions) / $0 }
    }

    /// Failover time over its target (1.25 × N reads at the ensemble's rate): at most 1 when met.
    public var failoverRatioToTarget: Double? {
        guard let measured = failoverMetadataSeconds, let target = failoverTargetSeconds, target > 0 else { return nil }
        return measured / target
    }

    /// Failover time over N reads at the ensemble's rate (the lower bound the ensemble sets).
    public var failoverRatioToEnsembleBound: Double? {
        guard let measured = failoverMetadataSeconds, let rate = ensembleReadsPerSecond, rate > 0 else { return nil }
        return measured / (Double(partitions) / rate)
    }

    /// What the ensemble alone makes the failover take on this run's tree: the N partition-state reads plus the
    /// failover's partition writes in fenced multis, both measured just before the kill (`FailoverEnsembleBound`).
    public var failoverEnsembleSeconds: Double? {
        guard let reads = failoverStateReadSeconds, let rate = failoverMultiWritesPerSecond, rate > 0,
            let writes = failoverPartitionWrites
        else { return nil }
        return FailoverEnsembleBound(partitionStateReadSeconds: reads, multiWritesPerSecond: rate).seconds(writes: writes)
    }

    /// Failover time over what the ensemble alone makes it take (reads and writes on the populated tree).
    public var failoverRatioToReadsAndWrites: Double? {
        guard let measured = failoverMetadataSeconds, let bound = failoverEnsembleSeconds, bound > 0 else { return nil }
        return measured / bound
    }

    public var controllerPeakResidentBytes: Int? {
        controllerProcessPeakBytes.values.max() ?? controllers.compactMap { peakResidentBytes[$0] }.max()
    }

    /// Partitions created per second (to every broker's cache).
    public var creationRate: Double? {
        creationSeconds.flatMap { $0 > 0 ? Double(partitions) / $0 : nil }
    }
}

/// A row as `zkafka bench controller --json` prints it: the measured figures plus the targets and ratios.
public struct ControllerBenchmarkJSONRow: Sendable, Encodable {
    public var result: ControllerBenchmarkResult
    public var failoverTargetSeconds: Double?
    public var failoverRatioToTarget: Double?
    public var failoverRatioToEnsembleBound: Double?
    public var failoverEnsembleSeconds: Double?
    public var failoverRatioToReadsAndWrites: Double?
    public var controllerPeakResidentBytes: Int?

    public init(_ result: ControllerBenchmarkResult) {
        self.result = result
        failoverTargetSeconds = result.failoverTargetSeconds
        failoverRatioToTarget = result.failoverRatioToTarget
        failoverRatioToEnsembleBound = result.failoverRatioToEnsembleBound
        failoverEnsembleSeconds = result.failoverEnsembleSeconds
        failoverRatioToReadsAndWrites = result.failoverRatioToReadsAndWrites
        controllerPeakResidentBytes = result.controllerPeakResidentBytes
    }
}
