import KafkaController

/// Renders a ``BrokerMetricsSnapshot`` in the Prometheus text exposition format (version 0.0.4).
/// Names follow Kafka's MBeans the way the Prometheus JMX exporter flattens them, with units in
/// the name: `kafka_controller_*` for `kafka.controller`, `kafka_server_replicamanager_*` for
/// `kafka.server:type=ReplicaManager`, `kafka_server_fetchsessioncache_*` for
/// `kafka.server:type=FetchSessionCache`.
public enum PrometheusExposition {
    public static func render(_ snapshot: BrokerMetricsSnapshot) -> String {
        var out = ""
        let broker = "broker=\"\(snapshot.brokerID)\""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        func sample(_ name: String, _ labels: String = "", value: String) {
            out += "\(name){\(broker)\(labels.isEmpty ? "" : "," + labels)} \(value)\n"
        }
        func seconds(_ nanoseconds: UInt64) -> String { format(Double(nanoseconds) / 1e9) }

        if let controller = snapshot.controller {
            family("kafka_controller_active_controller_count", "gauge", "1 on the active controller, 0 elsewhere (ActiveControllerCount).")
            sample("kafka_controller_active_controller_count", value: controller.isActive ? "1" : "0")
            family("kafka_controller_state", "gauge", "What the controller event thread is doing (ControllerState), as Kafka's value.")
            sample("kafka_controller_state", "state=\"\(controller.state)\"", value: "\(controller.state.rawValue)")
            family("kafka_controller_event_queue_size", "gauge", "Events waiting for the controller event thread (EventQueueSize).")
            sample("kafka_controller_event_queue_size", value: "\(controller.queueSize)")

            let states = controller.statistics.states.sorted { $0.key.rawValue < $1.key.rawValue }
            family("kafka_controller_events_total", "counter", "Events processed per controller state (ControllerStats <State>RateAndTimeMs count).")
            for (state, timer) in states { sample("kafka_controller_events_total", "state=\"\(state)\"", value: "\(timer.count)") }
            family("kafka_controller_event_failures_total", "counter", "Events whose processing failed, per controller state.")
            for (state, timer) in states { sample("kafka_controller_event_failures_total", "state=\"\(state)\"", value: "\(timer.failures)") }
            family("kafka_controller_event_processing_seconds_total", "counter", "Time spent processing events, per controller state.")
            for (state, timer) in states {
                sample("kafka_controller_event_processing_seconds_total", "state=\"\(state)\"", value: seconds(timer.totalProcessingNanoseconds))
            }
            family("kafka_controller_event_processing_seconds_max", "gauge", "Longest event processing time, per controller state.")
            for (state, timer) in states {
                sample("kafka_controller_event_processing_seconds_max", "state=\"\(state)\"", value: seconds(timer.maxProcessingNanoseconds))
            }
            let statistics = controller.statistics
            family("kafka_controller_event_queue_wait_seconds_total", "counter", "Time events waited in the queue (EventQueueTimeMs sum).")
            sample("kafka_controller_event_queue_wait_seconds_total", value: seconds(statistics.totalQueueWaitNanoseconds))
            family("kafka_controller_event_queue_wait_seconds_max", "gauge", "Longest queue wait of any event.")
            sample("kafka_controller_event_queue_wait_seconds_max", value: seconds(statistics.maxQueueWaitNanoseconds))
            family("kafka_controller_event_queue_wait_seconds_last", "gauge", "Queue wait of the most recent event.")
            sample("kafka_controller_event_queue_wait_seconds_last", value: seconds(statistics.lastQueueWaitNanoseconds ?? 0))
            family("kafka_controller_events_preempted_total", "counter", "Events answered by preemption instead of processing.")
            sample("kafka_controller_events_preempted_total", value: "\(statistics.preemptedEvents)")
        }

        let replication = snapshot.replication
        family("kafka_server_replicamanager_partition_count", "gauge", "Partitions hosted by this broker (PartitionCount).")
        sample("kafka_server_replicamanager_partition_count", value: "\(replication.partitionCount)")
        family("kafka_server_replicamanager_leader_count", "gauge", "Partitions this broker leads (LeaderCount).")
        sample("kafka_server_replicamanager_leader_count", value: "\(replication.leaderCount)")
        family("kafka_server_replicamanager_under_replicated_partitions", "gauge", "Led partitions with an ISR smaller than the replica set.")
        sample("kafka_server_replicamanager_under_replicated_partitions", value: "\(replication.underReplicatedPartitions)")
        family("kafka_server_replicamanager_under_min_isr_partition_count", "gauge", "Led partitions with an ISR below min.insync.replicas.")
        sample("kafka_server_replicamanager_under_min_isr_partition_count", value: "\(replication.underMinIsrPartitionCount)")
        let sessions = snapshot.fetchSessions
        family("kafka_server_fetchsessioncache_num_incremental_fetch_sessions", "gauge", "Cached fetch sessions (NumIncrementalFetchSessions).")
        sample("kafka_server_fetchsessioncache_num_incremental_fetch_sessions", value: "\(sessions.sessions)")
        family("kafka_server_fetchsessioncache_num_incremental_fetch_partitions_cached", "gauge", "Partitions in all cached fetch sessions (NumIncrementalFetchPartitionsCached).")
        sample("kafka_server_fetchsessioncache_num_incremental_fetch_partitions_cached", value: "\(sessions.cachedPartitions)")
        family("kafka_server_fetchsessioncache_incremental_fetch_sessions_created_total", "counter", "Fetch sessions created.")
        sample("kafka_server_fetchsessioncache_incremental_fetch_sessions_created_total", value: "\(sessions.created)")
        family("kafka_server_fetchsessioncache_incremental_fetch_session_evictions_total", "counter", "Fetch sessions evicted (IncrementalFetchSessionEvictionsPerSec count).")
        sample("kafka_server_fetchsessioncache_incremental_fetch_session_evictions_total", value: "\(sessions.evictions)")
        if let cleaner = snapshot.cleaner {
            family("kafka_log_logcleaner_max_dirty_percent", "gauge", "Highest dirty ratio of a compacted log, in percent (max-dirty-percent).")
            sample("kafka_log_logcleaner_max_dirty_percent", value: "\(cleaner.maxDirtyPercent)")
            family("kafka_log_logcleaner_cleaner_recopy_percent", "gauge", "Bytes written over bytes read by the last cleaning (cleaner-recopy-percent).")
            sample("kafka_log_logcleaner_cleaner_recopy_percent", value: "\(cleaner.cleanerRecopyPercent)")
            family("kafka_log_logcleaner_max_clean_time_secs", "gauge", "Duration of the last cleaning (max-clean-time-secs).")
            sample("kafka_log_logcleaner_max_clean_time_secs", value: "\(cleaner.maxCleanTimeSecs)")
        }
        family("kafka_log_log_end_offset_sum", "gauge", "Sum of the log end offsets of the hosted partitions.")
        sample("kafka_log_log_end_offset_sum", value: "\(replication.logEndOffsetSum)")
        return out
    }

    /// Prometheus floats: plain decimal, no exponent for ordinary values.
    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
