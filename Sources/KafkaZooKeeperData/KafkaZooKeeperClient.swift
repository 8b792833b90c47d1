import KafkaModel
import Logging
import ZooKeeper

/// The high-level ZooKeeper operations Kafka's brokers and controller perform, over one session
/// (Kafka 2.8's `KafkaZkClient`): persistent path setup, cluster id, broker registration, the
/// controller election, and batched, pipelined reads of brokers, topics and partition states.
///
/// Controller writes are fenced: with an `expectedControllerEpochZKVersion` each write becomes
/// `multi[check(/controller_epoch, version), write]`, so a zombie controller's writes fail with
/// ``ControllerMovedError`` instead of landing.
public final class KafkaZooKeeperClient: Sendable {
    public let zooKeeper: ZooKeeperClient
    let logger: Logger

    public init(zooKeeper: ZooKeeperClient, logger: Logger = Logger(label: "zkafka.zk")) {
        self.zooKeeper = zooKeeper
        self.logger = logger
    }

    /// Connects to `connect`, creating its chroot first if it is missing (Kafka 2.8
    /// `KafkaZkClient.createChrootIfNecessary`), then makes sure Kafka's persistent paths exist.
    public static func connect(
        _ configuration: ZooKeeperConfiguration, connectionTimeout: Duration, logger: Logger = Logger(label: "zkafka.zk")
    ) async throws -> KafkaZooKeeperClient {
        if let chroot = configuration.connectString.chroot {
            var rootConfiguration = configuration
            rootConfiguration.connectString.chroot = nil
            let root = try await ZooKeeperClient.connect(rootConfiguration, timeout: connectionTimeout, logger: logger)
            if try await root.exists(chroot) == nil {
                logger.info("Creating ZooKeeper chroot \(chroot)")
                try await root.createRecursive(chroot)
            }
            await root.close()
        }
        let client = KafkaZooKeeperClient(
            zooKeeper: try await ZooKeeperClient.connect(configuration, timeout: connectionTimeout, logger: logger),
            logger: logger)
        try await client.makeSurePersistentPathsExist()
        return client
    }

    /// Creates `ZNodePaths.persistentPaths`, ignoring those that exist.
    public func makeSurePersistentPathsExist() async throws {
        for path in ZNodePaths.persistentPaths {
            if try await zooKeeper.exists(path) == nil { try await zooKeeper.createRecursive(path) }
        }
    }

    // MARK: - Cluster id

    /// Reads `/cluster/id`, creating it with `proposedID` if absent (first broker wins).
    public func getOrCreateClusterID(proposedID: String) async throws -> String {
        do {
            return try ClusterIDZNode.decode(try await zooKeeper.getData(ZNodePaths.clusterID).data)
        } catch let error as ZooKeeperError where error.code == .noNode {
            do {
                try await zooKeeper.createRecursive("/cluster")
                _ = try await zooKeeper.create(ZNodePaths.clusterID, data: ClusterIDZNode.encode(proposedID))
                return proposedID
            } catch let error as ZooKeeperError where error.code == .nodeExists {
                return try ClusterIDZNode.decode(try await zooKeeper.getData(ZNodePaths.clusterID).data)
            }
        }
    }

    // MARK: - Broker registration

    /// Registers `/brokers/ids/<id>` as an ephemeral znode and returns the broker epoch (its czxid),
    /// as Kafka's `registerBroker` does with `multi[create(ephemeral, null), setData(json, 0)]`.
    /// A live registration owned by another session fails with ``BrokerIDInUseError``; one owned by
    /// this session is success.
    ///
    /// A registration left by a crashed process of the same broker (its session not yet expired)
    /// is waited out for up to `staleRegistrationWait`, typically the session timeout, before
    /// giving up: Kafka 2.8 fails at once there, which makes "restart after kill -9" fail for a
    /// few seconds (a deliberate difference, see docs/differences.md).
    public func registerBroker(
        _ registration: BrokerRegistrationZNode, staleRegistrationWait: Duration = .zero
    ) async throws -> Int64 {
        let deadline = ContinuousClock.now + staleRegistrationWait
        while true {
            do {
                return try await registerBrokerOnce(registration)
            } catch let error as BrokerIDInUseError where ContinuousClock.now < deadline {
                logger.info("\(error); waiting for that session to end")
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    private func registerBrokerOnce(_ registration: BrokerRegistrationZNode) async throws -> Int64 {
        let path = ZNodePaths.broker(registration.id)
        do {
            let results = try await zooKeeper.multi([
                .create(path: path, data: nil, mode: .ephemeral),
                .setData(path: path, data: registration.encode(), version: 0),
            ])
            guard case .setData(let stat) = results[1] else {
                throw ZooKeeperError(code: .apiError, operation: .multi, path: path, detail: "unexpected multi result")
            }
            logger.info("Registered broker \(registration.id) at path \(path) with addresses: \(registration.endpoints.map(\.description).joined(separator: ",")), czxid (broker epoch): \(stat.czxid)")
            return stat.czxid
        } catch let error as ZooKeeperError where error.code == .nodeExists {
            let stat: ZNodeStat
            do {
                stat = try await zooKeeper.getData(path).stat
            } catch let error as ZooKeeperError where error.code == .noNode {
                return try await registerBrokerOnce(registration)  // it just went away
            }
            if stat.ephemeralOwner == zooKeeper.session?.sessionID { return stat.czxid }
            throw BrokerIDInUseError(brokerID: registration.id, ownerSession: stat.ephemeralOwner)
        }
    }

    /// Every registered broker with its endpoints and epoch (czxid): one getChildren plus pipelined
    /// getData calls (Kafka's `getAllBrokerAndEpochsInCluster`). Brokers that vanish in between are skipped.
    public func getAllBrokersInCluster(watch: WatchHandler? = nil) async throws -> [BrokerInfo] {
        let ids = try await zooKeeper.getChildren(ZNodePaths.brokerIDs, watch: watch).children.compactMap { Int32($0) }
        return try await withThrowingTaskGroup(of: BrokerInfo?.self) { group in
            for id in ids {
                group.addTask {
                    do {
                        let (data, stat) = try await self.zooKeeper.getData(ZNodePaths.broker(id))
                        let registration = try BrokerRegistrationZNode.decode(id: id, data: data)
                        return BrokerInfo(id: id, endpoints: registration.endpoints, rack: registration.rack, epoch: stat.czxid)
                    } catch let error as ZooKeeperError where error.code == .noNode {
                        return nil
                    }
                }
            }
            return try await group.reduce(into: [BrokerInfo]()) { if let broker = $1 { $0.append(broker) } }
                .sorted { $0.id < $1.id }
        }
    }

    // MARK: - Controller election

    /// The active controller's id from `/controller`, or nil when there is none.
    public func getControllerID(watch: WatchHandler? = nil) async throws -> Int32? {
        do {
            return try ControllerZNode.decode(try await zooKeeper.getData(ZNodePaths.controller, watch: watch).data).brokerID
        } catch let error as ZooKeeperError where error.code == .noNode {
            // getData on a missing node sets no watch; an exists call arms one for its creation.
            if let watch, try await zooKeeper.exists(ZNodePaths.controller, watch: watch) != nil {
                return try await getControllerID()
            }
            return nil
        }
    }

    /// Kafka's `registerControllerAndIncrementControllerEpoch`: read (or create at 0)
    /// `/controller_epoch`, then in one multi create the ephemeral `/controller` and set the epoch to
    /// +1 conditionally on its version. Returns the new epoch and `/controller_epoch`'s new version
    /// (the fencing token). Losing the race throws ``ControllerMovedError``.
    public func registerControllerAndIncrementControllerEpoch(
        brokerID: Int32, timestamp: Int64
    ) async throws -> (epoch: Int32, epochZKVersion: Int32) {
        var (epoch, version) = try await controllerEpochOrCreate()
        let newEpoch = epoch + 1
        do {
            let results = try await zooKeeper.multi([
                .create(
                    path: ZNodePaths.controller, data: ControllerZNode(brokerID: brokerID, timestamp: timestamp).encode(),
                    mode: .ephemeral),
                .setData(path: ZNodePaths.controllerEpoch, data: ControllerEpochZNode.encode(newEpoch), version: version),
            ])
            guard case .setData(let stat) = results[1] else { throw ControllerMovedError(detail: "unexpected multi result") }
            return (newEpoch, stat.version)
        } catch let error as ZooKeeperError where error.code == .nodeExists || error.code == .badVersion {
            // Did an earlier attempt of ours succeed (a reply lost to a connection loss)?
            guard let owner = try await getControllerID(), owner == brokerID else {
                throw ControllerMovedError(detail: "another broker won the election (\(error.code))")
            }
            (epoch, version) = try await controllerEpoch() ?? (-1, -1)
            guard epoch == newEpoch else { throw ControllerMovedError(detail: "controller epoch moved to \(epoch)") }
            return (epoch, version)
        }
    }

    /// `/controller_epoch`'s value and version, or nil if absent.
    public func controllerEpoch() async throws -> (epoch: Int32, zkVersion: Int32)? {
        do {
            let (data, stat) = try await zooKeeper.getData(ZNodePaths.controllerEpoch)
            return (try ControllerEpochZNode.decode(data), stat.version)
        } catch let error as ZooKeeperError where error.code == .noNode {
            return nil
        }
    }

    private func controllerEpochOrCreate() async throws -> (Int32, Int32) {
        if let existing = try await controllerEpoch() { return existing }
        do {
            _ = try await zooKeeper.create(ZNodePaths.controllerEpoch, data: ControllerEpochZNode.encode(0))
            return (0, 0)
        } catch let error as ZooKeeperError where error.code == .nodeExists {
            return try await controllerEpoch() ?? (0, 0)
        }
    }

    // MARK: - Fenced writes

    /// Runs `operations` as one multi preceded by a check of `/controller_epoch`'s version; a failed
    /// check means another controller was elected: ``ControllerMovedError``. Otherwise the results
    /// of `operations` alone are returned (or their error is thrown).
    @discardableResult
    public func fencedMulti(
        _ operations: [ZooKeeperOperation], expectedControllerEpochZKVersion: Int32
    ) async throws -> [ZooKeeperOperationResult] {
        do {
            let results = try await zooKeeper.multi(
                [.check(path: ZNodePaths.controllerEpoch, version: expectedControllerEpochZKVersion)] + operations)
            return Array(results.dropFirst())
        } catch var error as ZooKeeperError where error.operation == .multi && !error.multiResults.isEmpty {
            if case .failed(let code) = error.multiResults[0], code != .ok {
                throw ControllerMovedError(
                    detail: "controller epoch znode version is no longer \(expectedControllerEpochZKVersion) (\(code))")
            }
            error.multiResults.removeFirst()
            throw error
        }
    }
}

/// A controller write was fenced off, or the election was lost: another broker is the controller.
/// The controller resigns (Kafka's `ControllerMovedException`).
public struct ControllerMovedError: Error, Sendable, CustomStringConvertible {
    public var detail: String
    public init(detail: String) { self.detail = detail }
    public var description: String { "controller moved: \(detail)" }
}

/// Another live session owns `/brokers/ids/<id>`: two brokers were configured with the same id.
public struct BrokerIDInUseError: Error, Sendable, CustomStringConvertible {
    public var brokerID: Int32
    public var ownerSession: Int64
    public var description: String {
        "broker.id \(brokerID) is already registered in ZooKeeper by a live broker (session 0x\(String(ownerSession, radix: 16))); each broker needs its own broker.id"
    }
}
