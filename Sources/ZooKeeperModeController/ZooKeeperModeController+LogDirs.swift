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
        let names = try blocking { try await $0.zooKeeper.getChildren(ZNodePaths.logDirEventNotification, watch: handler).children }
        guard !names.isEmpty else { return }
        defer { deleteLogDirEventNotifications(names) }
        let logger = self.logger
        let brokers = try blocking { kafka in
            var ids: [BrokerID] = []
            for name in names.sorted() {
                let path = ZNodePaths.logDirEventNotification + "/" + name
                do {
                    ids.append(try LogDirEventNotificationZNode.decode(try await kafka.zooKeeper.getData(path).data, path: path))
                } catch let error as ZooKeeperError where error.code == .noNode {
                    continue
                } catch let error as ZNodeDataError {
                    // Kafka's getBrokerIdsFromLogDirEvents skips what it cannot parse.
                    logger.warning("Ignoring log dir event notification \(path): \(error)")
                }
            }
            return ids
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
            try blocking { kafka in
                for name in names {
                    do {
                        _ = try await kafka.fencedMulti(
                            [.delete(path: ZNodePaths.logDirEventNotification + "/" + name)], expectedControllerEpochZKVersion: version)
                    } catch let error as ZooKeeperError where error.code == .noNode {
                        continue
                    }
                }
            }
        } catch {
            logger.warning("Could not delete log dir event notifications \(names): \(error)")
        }
    }

    /// Kafka's `processLeaderAndIsrResponseReceived`.
    func processLeaderAndISRResponseReceived(_ broker: BrokerID, errorCode: Int16, partitionErrors: [TopicPartition: Int16]) throws {
        if errorCode != 0 || partitionErrors.values.contains(where: { $0 != 0 }) {
            logger.warning("Broker \(broker) answered LeaderAndIsr with error \(errorCode), partition errors: \(partitionErrors.filter { $0.value != 0 })")
        }
        guard isActive else { return }
        let offline = try flows.onLeaderAndISRResponse(brokerID: broker, errorCode: errorCode, partitionErrors: partitionErrors)
        if !offline.isEmpty {
            logger.info("Mark replicas \(offline.map { "[\($0),\(broker)]" }.joined(separator: ",")) on broker \(broker) as offline")
        }
    }
}
