import LocalCluster

/// One mode at one partition count in `zkafka compare`: the shared scenarios' figures, with detection
/// (how long until the control plane notices a death) apart from recovery (what it then costs).
/// Seconds unless named otherwise; nil means not measured (the reason is in `notes`).
public struct ModeComparisonRow: Sendable, Equatable {
    public var mode: ClusterMode
    public var partitions: Int

    /// Active controller kill -9: → loss noticed (ZooKeeper session timeout / Raft fetch timeout).
    public var controllerDetection: Double?
    /// → a new active controller, after detection.
    public var newController: Double?
    /// → every live broker's metadata current, after detection.
    public var metadataCurrent: Double?
    /// Broker kill -9: → noticed (ZooKeeper session expiry / KRaft broker session timeout, fencing).
    public var brokerDetection: Double?
    /// → all its partitions re-led in every live broker's cache, after detection.
    public var brokerRelead: Double?
    /// Controlled shutdown: SIGTERM → every other cache shows none led by it.
    public var controlledShutdown: Double?
    /// Topic creation: partitions per second, until every cache shows every leader.
    public var creationRate: Double?
    /// One new topic: create call → every broker's cache.
    public var propagation: Double?
    /// Peak resident memory, bytes: the largest controller process (ZooKeeper mode: the controller broker) and broker.
    public var controllerPeakBytes: Int?
    public var brokerPeakBytes: Int?
    public var notes: [String] = []

    public init(mode: ClusterMode, partitions: Int) {
        self.mode = mode
        self.partitions = partitions
    }

    /// The figures of one `ControllerBenchmark` row.
    public init(mode: ClusterMode, result: ControllerBenchmarkResult) {
        self.init(mode: mode, partitions: result.partitions)
        controllerDetection = result.controllerDetectionSeconds
        newController = result.newControllerSeconds
        metadataCurrent = result.failoverMetadataSeconds
        brokerDetection = result.brokerDetectionSeconds
        brokerRelead = result.releadCachesSeconds
        controlledShutdown = result.controlledShutdownSeconds
        creationRate = result.creationRate
        propagation = result.propagationSeconds
        controllerPeakBytes = result.controllerPeakResidentBytes
        brokerPeakBytes = result.peakResidentBytes.values.max()
        notes = result.notes + (result.skipped.map { ["N=\(result.partitions) \(mode.rawValue): \($0)"] } ?? [])
    }

    /// The columns of the table, CSV and chart, in order: (CSV header, table header, value as text).
    public static let columns: [(csv: String, title: String, value: @Sendable (ModeComparisonRow) -> Double?)] = [
        ("controller_detection_s", "ctrl detect", { $0.controllerDetection }),
        ("new_controller_s", "new ctrl", { $0.newController }),
        ("metadata_current_s", "metadata on all", { $0.metadataCurrent }),
        ("broker_detection_s", "broker detect", { $0.brokerDetection }),
        ("broker_relead_s", "re-led", { $0.brokerRelead }),
        ("controlled_shutdown_s", "ctl shutdown", { $0.controlledShutdown }),
        ("creation_partitions_per_s", "create p/s", { $0.creationRate }),
        ("propagation_s", "propagation", { $0.propagation }),
        ("controller_peak_mb", "ctrl MB", { $0.controllerPeakBytes.map { Double($0) / 1_048_576 } }),
        ("broker_peak_mb", "broker MB", { $0.brokerPeakBytes.map { Double($0) / 1_048_576 } }),
    ]
}
