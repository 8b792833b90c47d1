import KafkaController
import KafkaModel
import KafkaZooKeeperData
import ZooKeeper

@testable import ZooKeeperModeController

/// An in-memory znode tree behind the shell's ``ControllerZooKeeper`` port: registered brokers, the controller
/// election (`/controller`, `/controller_epoch` as an epoch and a version), fenced writes checked against that
/// version, and a record of the watches the shell armed. Watches never fire: tests put the events themselves.
final class InMemoryControllerZooKeeper: ControllerZooKeeper {
    struct ZNode {
        var data: [UInt8]
        var version: Int32 = 0
    }

    /// Path → znode (no entries for the implicit parents).
    var znodes: [String: ZNode] = [:]
    /// `/brokers/ids`: the registered brokers.
    var brokers: [BrokerInfo] = []
    /// `/controller`.
    var controller: BrokerID?
    var controllerEpoch: Int32 = 0
    /// `/controller_epoch`'s version: the fencing token every controller write is checked against.
    var controllerEpochZKVersion: Int32 = 0
    /// Watches armed, as `kind:path` (`exists`, `data`, `children`), in order.
    private(set) var armedWatches: [String] = []
    /// Fenced writes that landed, as `set <path>` / `delete <path>`, in order.
    private(set) var writes: [String] = []

    init() {
        // Kafka's persistent paths (`makeSurePersistentPathsExist`).
        for path in [
            ZNodePaths.topics, ZNodePaths.deleteTopics, ZNodePaths.isrChangeNotification,
            ZNodePaths.logDirEventNotification,
        ] {
            znodes[path] = ZNode(data: [])
        }
    }

    /// Another broker won the election (a newer controller epoch): this one's fenced writes fail from now on.
    func electAnotherController(_ id: BrokerID) {
        controller = id
        controllerEpoch += 1
        controllerEpochZKVersion += 1
    }

    func create(_ path: String, _ data: [UInt8]) { znodes[path] = ZNode(data: data) }

    // MARK: - Reads

    func exists(_ path: String, watch: WatchHandler?) throws -> Bool {
        if watch != nil { armedWatches.append("exists:" + path) }
        return znodes[path] != nil
    }

    func data(_ path: String, watch: WatchHandler?) throws -> (data: [UInt8], stat: ZNodeStat)? {
        guard let node = znodes[path] else { return nil }
        if watch != nil { armedWatches.append("data:" + path) }
        return (node.data, ZNodeStat(version: node.version))
    }

    func children(_ path: String, watch: WatchHandler?) throws -> [String] {
        let prefix = path + "/"
        let names = Set(znodes.keys.filter { $0.hasPrefix(prefix) }.map { $0.dropFirst(prefix.count).split(separator: "/")[0] })
        guard znodes[path] != nil || !names.isEmpty else { throw ZooKeeperError(code: .noNode, operation: .getChildren, path: path) }
        if watch != nil { armedWatches.append("children:" + path) }
        return names.map(String.init).sorted()
    }

    func dataOfEach(_ paths: [String], watches: [String: WatchHandler]) throws -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        for path in paths {
            if let read = try data(path, watch: watches[path]) { result[path] = read.data }
        }
        return result
    }

    func brokers(watch: WatchHandler?) throws -> [BrokerInfo] {
        if watch != nil { armedWatches.append("children:" + ZNodePaths.brokerIDs) }
        return brokers.sorted { $0.id < $1.id }
    }

    func controllerID(watch: WatchHandler?) throws -> BrokerID? {
        if watch != nil { armedWatches.append("data:" + ZNodePaths.controller) }
        return controller
    }

    // MARK: - Writes

    func registerControllerAndIncrementControllerEpoch(brokerID: BrokerID, timestamp: Int64) throws -> (epoch: Int32, epochZKVersion: Int32) {
        guard controller == nil else { throw ControllerError(.controllerMoved, "broker \(controller!) is the controller") }
        controller = brokerID
        controllerEpoch += 1
        controllerEpochZKVersion += 1
        return (controllerEpoch, controllerEpochZKVersion)
    }

    func fencedSetData(_ path: String, _ data: [UInt8], epochZKVersion: Int32) throws {
        try checkFence(epochZKVersion)
        guard var node = znodes[path] else { throw ZooKeeperError(code: .noNode, operation: .multi, path: path) }
        node.data = data
        node.version += 1
        znodes[path] = node
        writes.append("set " + path)
    }

    func fencedDeleteIfExists(_ paths: [String], epochZKVersion: Int32) throws {
        for path in paths {
            try checkFence(epochZKVersion)
            if znodes.removeValue(forKey: path) != nil { writes.append("delete " + path) }
        }
    }

    func fencedDeleteRecursive(_ path: String, epochZKVersion: Int32) throws {
        for descendant in znodes.keys.filter({ $0.hasPrefix(path + "/") }).sorted(by: >) {
            try fencedDeleteIfExists([descendant], epochZKVersion: epochZKVersion)
        }
        try fencedDeleteIfExists([path], epochZKVersion: epochZKVersion)
    }

    private func checkFence(_ epochZKVersion: Int32) throws {
        guard epochZKVersion == controllerEpochZKVersion else {
            throw ControllerError(.controllerMoved, "controller epoch znode version is \(controllerEpochZKVersion), not \(epochZKVersion)")
        }
    }
}
