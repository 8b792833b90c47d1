import KafkaRaft

/// The KRaft gauges of one controller process at one instant (Kafka 3.3's `kafka.server:type=raft-metrics`
/// and `kafka.controller:type=KafkaController` / `QuorumController` metrics), read on the Raft node's queue.
public struct KRaftMetricsSnapshot: Sendable, Equatable {
    public var nodeID: Int32
    /// Raft state name (Leader, Follower, Candidate, Voted, Unattached, Resigned).
    public var raftState: String
    /// -1 while no leader is known.
    public var currentLeader: Int32
    public var currentEpoch: Int32
    public var highWatermark: Int64
    public var logEndOffset: Int64
    public var logStartOffset: Int64
    /// Leader only: each voter's lag behind the leader's log end, in records (from DescribeQuorum's view).
    public var voterLag: [Int32: Int64]
    /// Leader only: the observers (brokers) the leader has seen fetch, and their lag.
    public var observerLag: [Int32: Int64]
    public var isActiveController: Bool
    public var lastAppliedOffset: Int64
    public var registeredBrokers: Int
    public var fencedBrokers: Int
    public var topics: Int
    public var partitions: Int
    public var offlinePartitions: Int
    public var snapshotEndOffset: Int64

    public init(instance: RaftInstance, controller: QuorumControllerNode.Status, now: Int64) {
        nodeID = instance.localId
        raftState = instance.state.name
        currentLeader = instance.leaderId ?? -1
        currentEpoch = instance.epoch
        highWatermark = instance.highWatermark
        logEndOffset = instance.log.endOffset
        logStartOffset = instance.log.startOffset
        let quorum = instance.describeQuorum(now: now)
        let leaderEnd = instance.log.endOffset
        voterLag = Dictionary(uniqueKeysWithValues: (quorum?.voters ?? []).map { ($0.replicaId, max(0, leaderEnd - $0.logEndOffset)) })
        observerLag = Dictionary(
            (quorum?.observers ?? []).map { ($0.replicaId, max(0, leaderEnd - $0.logEndOffset)) }) { first, _ in first }
        isActiveController = controller.isActive
        lastAppliedOffset = controller.appliedOffset
        registeredBrokers = controller.registeredBrokers
        fencedBrokers = controller.fencedBrokers
        topics = controller.topics
        partitions = controller.partitions
        offlinePartitions = controller.offlinePartitions
        snapshotEndOffset = controller.snapshotEndOffset
    }
}

/// Renders a ``KRaftMetricsSnapshot`` in the Prometheus text format (0.0.4), with Kafka's MBean names flattened
/// as the Prometheus JMX exporter does (`kafka.server:type=raft-metrics,name=current-leader` →
/// `kafka_server_raft_metrics_current_leader`), the same style as the ZooKeeper-mode broker's `/metrics`.
public enum KRaftMetricsExposition {
    public static func render(_ snapshot: KRaftMetricsSnapshot) -> String {
        var out = ""
        let node = "node=\"\(snapshot.nodeID)\""
        func gauge(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for (labels, value) in samples { out += "\(name){\(node)\(labels.isEmpty ? "" : "," + labels)} \(value)\n" }
        }
        func one(_ name: String, _ help: String, _ value: some BinaryInteger) { gauge(name, help, [("", "\(value)")]) }

        one("kafka_server_raft_metrics_current_leader", "The Raft leader (active controller) this node knows, -1 if none (current-leader).", snapshot.currentLeader)
        one("kafka_server_raft_metrics_current_epoch", "The Raft epoch (current-epoch).", snapshot.currentEpoch)
        gauge("kafka_server_raft_metrics_current_state", "1 for this node's Raft state (current-state).", [("state=\"\(snapshot.raftState.lowercased())\"", "1")])
        one("kafka_server_raft_metrics_high_watermark", "The metadata log's committed offset (high-watermark).", snapshot.highWatermark)
        one("kafka_server_raft_metrics_log_end_offset", "The metadata log's end offset (log-end-offset).", snapshot.logEndOffset)
        one("kafka_server_raft_metrics_log_start_offset", "The metadata log's start offset; a snapshot covers what is below.", snapshot.logStartOffset)
        gauge(
            "kafka_server_raft_metrics_voter_lag", "Leader only: records each voter lacks behind the leader's log end.",
            snapshot.voterLag.keys.sorted().map { ("voter=\"\($0)\"", "\(snapshot.voterLag[$0]!)") })
        gauge(
            "kafka_server_raft_metrics_observer_lag", "Leader only: records each observer (broker) lacks behind the leader's log end.",
            snapshot.observerLag.keys.sorted().map { ("observer=\"\($0)\"", "\(snapshot.observerLag[$0]!)") })
        one("kafka_controller_active_controller_count", "1 on the active controller, 0 elsewhere (ActiveControllerCount).", snapshot.isActiveController ? 1 : 0)
        one("kafka_controller_last_applied_record_offset", "The last metadata record replayed (LastAppliedRecordOffset).", snapshot.lastAppliedOffset)
        one("kafka_controller_active_broker_count", "Registered brokers not fenced (ActiveBrokerCount).", snapshot.registeredBrokers - snapshot.fencedBrokers)
        one("kafka_controller_fenced_broker_count", "Registered brokers that are fenced (FencedBrokerCount).", snapshot.fencedBrokers)
        one("kafka_controller_global_topic_count", "Topics (GlobalTopicCount).", snapshot.topics)
        one("kafka_controller_global_partition_count", "Partitions (GlobalPartitionCount).", snapshot.partitions)
        one("kafka_controller_offline_partitions_count", "Partitions without a leader (OfflinePartitionsCount).", snapshot.offlinePartitions)
        one("kafka_controller_snapshot_end_offset", "End offset of the latest metadata snapshot this controller wrote or loaded.", snapshot.snapshotEndOffset)
        return out
    }
}
