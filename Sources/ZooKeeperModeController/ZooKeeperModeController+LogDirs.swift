import Foundation
import KafkaController
import KafkaModel
import KafkaZooKeeperData
import ZooKeeper

/// Log directory failures on the controller (Kafka 2.8 `processLogDirEventNotification`,
/// `processLeaderAndIsrResponseReceived`); the decisions are in `ControllerFlows+LogDirs`.
extension ZooKeeperModeController {
    /// Kafka's `processLogDirEventNotification`: read every `/log_dir_event_notification` child (re-arming the
    /// watch), ask the brokers they name about their replicas (`onBrokerLogDirFailure`), then delete the children
    /// read — also when handling failed, as Kafka's `finally` does, so one bad znode cannot repeat forever.
    func processLogDirEventNotification() throws {
        guard isActive else { return }
        let handler = watch("children:" + ZNodePaths.logDirEventNotification) { .logDirEventNotification }
        let names = try zooKeeper.children(ZNodePaths.logDirEventNotification, watch: handler)
        guard !names.isEmpty else { return }
        defer { deleteLogDirEventNotifications(names) }
        let paths = names.sorted().map { ZNodePaths.logDirEventNotification + "/" + $0 }
        let data = try zooKeeper.dataOfEach(paths, watches: [:])
        var brokers: [BrokerID] = []
        for path in paths {
            guard let bytes = data[path] else { continue }
            do {
                brokers.append(try LogDirEventNotificationZNode.decode(bytes, path: path))
            } catch {
                // Kafka's getBrokerIdsFromLogDirEvents skips what it cannot parse.
                logger.warning("Ignoring log dir event notification \(path): \(error)")
            }
        }
        let known = Array(Set(brokers)).sorted()
        logger.info("Handling log directory failure for brokers \(known.map(String.init).joined(separator: ","))")
        try flows.onBrokerLogDirFailure(known)
    }

    /// Kafka's `deleteLogDirEventNotifications`, fenced by the controller epoch znode's version. Failures are
    /// logged: a leftover notification only makes a later controller ask the broker again.
    func deleteLogDirEventNotifications(_ names: [String]) {
        let version = context.epochZKVersion
        do {
            try zooKeeper.fencedDeleteIfExists(
                names.map { ZNodePaths.logDirEventNotification + "/" + $0 }, epochZKVersion: version)
        } catch {
            logger.warning("Could not delete log dir event notifications \(names): \(error)")
        }
    }

    /// Kafka's `processLeaderAndIsrResponseReceived`.
    func processLeaderAndISRResponseReceived(_ broker: BrokerID, errorCode: Int16, partitionErrors: [TopicPartition: Int16]) throws {
        let failed = partitionErrors.filter { $0.value != 0 }
        if errorCode != 0 || !failed.isEmpty {
            // Summarised per error code: a broker answers STALE_CONTROLLER_EPOCH (11) for each partition whose
            // leader epoch is not newer than its own, as Kafka's ReplicaManager does, and broker failure's replica
            // pass repeats the partitions its election pass just sent (Kafka's doRemoveReplicasFromIsr reports
            // them too) — thousands at scale, not to be formatted whole on the event thread.
            let summary = Dictionary(grouping: failed.keys) { failed[$0]! }.sorted { $0.key < $1.key }.map { code, partitions in
                "\(code) for \(partitions.count) (e.g. \(partitions.prefix(3).map(\.description).joined(separator: ", ")))"
            }
            logger.warning("Broker \(broker) answered LeaderAndIsr with error \(errorCode), partition errors: \(summary.joined(separator: "; "))")
        }
        guard isActive else { return }
        let offline = try flows.onLeaderAndISRResponse(brokerID: broker, errorCode: errorCode, partitionErrors: partitionErrors)
        if !offline.isEmpty {
            logger.info("Mark replicas \(offline.map { "[\($0),\(broker)]" }.joined(separator: ",")) on broker \(broker) as offline")
        }
    }
}
