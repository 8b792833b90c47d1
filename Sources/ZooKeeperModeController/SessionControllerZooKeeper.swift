import Foundation
import KafkaController
import KafkaModel
import KafkaZooKeeperData
import Logging
import ZooKeeper

/// ``ControllerZooKeeper`` over the broker's current ZooKeeper session (``ControllerSession``): each call runs on
/// the session through ``BlockingBridge`` (so only on the controller event thread).
///
/// A lost connection is retried, as Kafka's `KafkaZkClient.retryRequestsUntilConnected` waits for the session to
/// reconnect and sends the request again: failing the event instead would lose the watch it was re-arming (seen at
/// 100,000 partitions: an `/isr_change_notification` read hit CONNECTIONLOSS and no ISR change reached the caches
/// after it). Retries stop when the session expires (the expiry handler takes over) or after
/// ``ZooKeeperModeController/connectionLossRetryLimit``. The ZooKeeper layer's ``ControllerMovedError`` becomes
/// ``ControllerError`` `controllerMoved`.
final class SessionControllerZooKeeper: ControllerZooKeeper {
    let session: ControllerSession
    let logger: Logger

    init(session: ControllerSession, logger: Logger) {
        self.session = session
        self.logger = logger
    }

    /// Runs `body` on the live session, blocking the event thread, retrying what ZooKeeper says to send again.
    func blocking<T: Sendable>(_ body: @escaping @Sendable (KafkaZooKeeperClient) async throws -> T) throws -> T {
        let deadline = ContinuousClock.now + ZooKeeperModeController.connectionLossRetryLimit
        while true {
            let client = session.current
            do {
                return try translatingControllerMoved { try BlockingBridge.run { try await body(client) } }
            } catch let error as ZooKeeperError where error.code.isRetriable && ContinuousClock.now < deadline {
                // CONNECTIONLOSS, OPERATIONTIMEOUT (a request queued past the session's timeout while the server was
                // slow: it dropped a BrokerChange under load) and throttling all mean "send it again".
                logger.warning("ZooKeeper connection lost during a controller operation (\(error)); retrying once reconnected")
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
    }

    func exists(_ path: String, watch: WatchHandler?) throws -> Bool {
        try blocking { try await $0.zooKeeper.exists(path, watch: watch) != nil }
    }

    func data(_ path: String, watch: WatchHandler?) throws -> (data: [UInt8], stat: ZNodeStat)? {
        try blocking { kafka -> DataAndStat? in
            do {
                let (data, stat) = try await kafka.zooKeeper.getData(path, watch: watch)
                return DataAndStat(data: data ?? [], stat: stat)
            } catch let error as ZooKeeperError where error.code == .noNode {
                return nil
            }
        }.map { ($0.data, $0.stat) }
    }

    private struct DataAndStat: Sendable {
        var data: [UInt8]
        var stat: ZNodeStat
    }

    func children(_ path: String, watch: WatchHandler?) throws -> [String] {
        try blocking { try await $0.zooKeeper.getChildren(path, watch: watch).children }
    }

    func dataOfEach(_ paths: [String], watches: [String: WatchHandler]) throws -> [String: [UInt8]] {
        try blocking { kafka in
            try await withThrowingTaskGroup(of: (String, [UInt8]?).self) { group in
                for path in paths {
                    group.addTask {
                        do {
                            return (path, try await kafka.zooKeeper.getData(path, watch: watches[path]).data ?? [])
                        } catch let error as ZooKeeperError where error.code == .noNode {
                            return (path, nil)
                        }
                    }
                }
                return try await group.reduce(into: [String: [UInt8]]()) { if let data = $1.1 { $0[$1.0] = data } }
            }
        }
    }

    func brokers(watch: WatchHandler?) throws -> [BrokerInfo] {
        try blocking { try await $0.getAllBrokersInCluster(watch: watch) }
    }

    func controllerID(watch: WatchHandler?) throws -> BrokerID? {
        try blocking { try await $0.getControllerID(watch: watch) }
    }

    func registerControllerAndIncrementControllerEpoch(brokerID: BrokerID, timestamp: Int64) throws -> (epoch: Int32, epochZKVersion: Int32) {
        let registered = try blocking { kafka -> [Int32] in
            let (epoch, version) = try await kafka.registerControllerAndIncrementControllerEpoch(brokerID: brokerID, timestamp: timestamp)
            return [epoch, version]
        }
        return (registered[0], registered[1])
    }

    func fencedSetData(_ path: String, _ data: [UInt8], epochZKVersion: Int32) throws {
        try blocking { try await $0.fencedMulti([.setData(path: path, data: data)], expectedControllerEpochZKVersion: epochZKVersion) }
    }

    func fencedDeleteIfExists(_ paths: [String], epochZKVersion: Int32) throws {
        try blocking { kafka in
            for path in paths { try await Self.deleteIfExists(kafka, path, epochZKVersion: epochZKVersion) }
        }
    }

    func fencedDeleteRecursive(_ path: String, epochZKVersion: Int32) throws {
        try blocking { try await Self.deleteRecursive($0, path, epochZKVersion: epochZKVersion) }
    }

    /// Deletes `path` and everything below it, deepest first.
    static func deleteRecursive(_ kafka: KafkaZooKeeperClient, _ path: String, epochZKVersion: Int32) async throws {
        let children: [String]
        do {
            children = try await kafka.zooKeeper.getChildren(path).children
        } catch let error as ZooKeeperError where error.code == .noNode {
            return
        }
        for child in children.sorted() {
            try await deleteRecursive(kafka, path + "/" + child, epochZKVersion: epochZKVersion)
        }
        try await deleteIfExists(kafka, path, epochZKVersion: epochZKVersion)
    }

    static func deleteIfExists(_ kafka: KafkaZooKeeperClient, _ path: String, epochZKVersion: Int32) async throws {
        do {
            try await kafka.fencedMulti([.delete(path: path)], expectedControllerEpochZKVersion: epochZKVersion)
        } catch let error as ZooKeeperError where error.code == .noNode {
            return
        } catch let error as ZooKeeperError where error.multiResults.contains(where: { if case .failed(.noNode) = $0 { true } else { false } }) {
            return
        }
    }
}

/// Runs `body`, turning the ZooKeeper layer's ``ControllerMovedError`` (a fenced write found a newer controller
/// epoch, or the election was lost) into the core's ``ControllerError`` `controllerMoved`, which the core's flows
/// let propagate instead of counting it as one partition's failure.
func translatingControllerMoved<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ControllerMovedError {
        throw ControllerError(.controllerMoved, error.description)
    }
}
