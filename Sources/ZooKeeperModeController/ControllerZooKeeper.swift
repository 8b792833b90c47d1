import KafkaController
import KafkaModel
import ZooKeeper

/// The ZooKeeper reads and writes the controller shell makes (Kafka's `KafkaZkClient` as `KafkaController` uses
/// it): the one seam between the shell's event handling and the session, so the shell's tests run it over an
/// in-memory tree. ``SessionControllerZooKeeper`` implements it over the broker's live session.
///
/// Threading contract: called only on the controller event thread; every call blocks until answered (as Kafka's
/// event thread blocks on `KafkaZkClient`). A watch handler passed with a read is armed by that read. A fenced
/// write whose `/controller_epoch` check fails throws ``ControllerError`` with code `controllerMoved` (the shell
/// resigns); so does losing the election race.
protocol ControllerZooKeeper: AnyObject {
    // MARK: Reads

    /// Whether `path` exists; a watch fires on its creation, deletion or data change.
    func exists(_ path: String, watch: WatchHandler?) throws -> Bool
    /// The data and stat of `path`, or nil when it does not exist (no watch is then set).
    func data(_ path: String, watch: WatchHandler?) throws -> (data: [UInt8], stat: ZNodeStat)?
    /// The children of `path` (a missing znode throws).
    func children(_ path: String, watch: WatchHandler?) throws -> [String]
    /// The data of each path, read pipelined, each with its watch from `watches` if any; missing znodes are left out.
    func dataOfEach(_ paths: [String], watches: [String: WatchHandler]) throws -> [String: [UInt8]]
    /// Every registered broker with its endpoints and epoch (Kafka's `getAllBrokerAndEpochsInCluster`); the
    /// watch is on `/brokers/ids`' children.
    func brokers(watch: WatchHandler?) throws -> [BrokerInfo]
    /// The active controller's id from `/controller`, or nil; the watch fires on its creation, change or deletion.
    func controllerID(watch: WatchHandler?) throws -> BrokerID?

    // MARK: Writes

    /// Kafka's `registerControllerAndIncrementControllerEpoch`: the new epoch and `/controller_epoch`'s version.
    func registerControllerAndIncrementControllerEpoch(brokerID: BrokerID, timestamp: Int64) throws -> (epoch: Int32, epochZKVersion: Int32)
    /// Sets `path`'s data, fenced.
    func fencedSetData(_ path: String, _ data: [UInt8], epochZKVersion: Int32) throws
    /// Deletes each path in its own fenced multi, in order, skipping those already gone.
    func fencedDeleteIfExists(_ paths: [String], epochZKVersion: Int32) throws
    /// Deletes `path` and everything below it, deepest first, each delete fenced (Kafka's `deleteRecursive`).
    func fencedDeleteRecursive(_ path: String, epochZKVersion: Int32) throws
}
