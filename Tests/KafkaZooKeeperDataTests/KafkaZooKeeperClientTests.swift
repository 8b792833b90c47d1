import KafkaModel
import KafkaTestKit
import Testing
import ZooKeeper
@testable import KafkaZooKeeperData

/// Kafka's broker and controller ZooKeeper operations against a real 3-node ensemble, each test
/// under its own chroot (which `connect` creates, as Kafka does).
@Suite(.tags(.ensemble), .requiresZooKeeper, .ensemble, .serialized, .timeLimit(.minutes(3)))
struct KafkaZooKeeperClientTests {
    private func connect(chroot: String) async throws -> KafkaZooKeeperClient {
        var connectString = try ConnectString(parsing: try RunningEnsemble.current.connect)
        connectString.chroot = chroot
        return try await KafkaZooKeeperClient.connect(
            ZooKeeperConfiguration(connectString: connectString, sessionTimeoutMilliseconds: 6_000),
            connectionTimeout: .seconds(30))
    }

    private func freshChroot() -> String { "/kafka-\(UInt32.random(in: 0...UInt32.max))" }

    @Test func connect_createsTheChrootAndKafkasPersistentPaths() async throws {
        let chroot = freshChroot()
        try await withClosing(try await connect(chroot: chroot)) { kafka async throws in
            for path in ZNodePaths.persistentPaths {
                #expect(try await kafka.zooKeeper.exists(path) != nil, "\(path)")
            }
            try await withClosing(try await RunningEnsemble.current.client()) { root async throws in
                #expect(try await root.exists("\(chroot)/brokers/ids") != nil)
            }
        }
    }

    @Test func clusterID_isCreatedOnceAndKept() async throws {
        let chroot = freshChroot()
        try await withClosing(try await connect(chroot: chroot)) { first async throws in
            try await withClosing(try await connect(chroot: chroot)) { second async throws in
                #expect(try await first.getOrCreateClusterID(proposedID: "AAAAAAAAAAAAAAAAAAAAAA") == "AAAAAAAAAAAAAAAAAAAAAA")
                #expect(try await second.getOrCreateClusterID(proposedID: "BBBBBBBBBBBBBBBBBBBBBB") == "AAAAAAAAAAAAAAAAAAAAAA")
            }
        }
    }

    @Test func brokerRegistration_epochIsCzxid_andADuplicateLiveIDIsRefused() async throws {
        let chroot = freshChroot()
        let broker = try await connect(chroot: chroot)
        let endpoint = BrokerEndpoint(listenerName: "PLAINTEXT", host: "127.0.0.1", port: 9092, securityProtocol: "PLAINTEXT")
        let registration = BrokerRegistrationZNode(id: 1, endpoints: [endpoint], timestamp: 1)
        let epoch = try await broker.registerBroker(registration)
        let (data, stat) = try await broker.zooKeeper.getData(ZNodePaths.broker(1))
        #expect(stat.czxid == epoch)
        #expect(stat.isEphemeral)
        #expect(try BrokerRegistrationZNode.decode(id: 1, data: data) == registration)
        #expect(try await broker.registerBroker(registration) == epoch)  // same session: success

        try await withClosing(try await connect(chroot: chroot)) { impostor async throws in
            await #expect(throws: BrokerIDInUseError.self) { _ = try await impostor.registerBroker(registration) }
            let brokers = try await impostor.getAllBrokersInCluster()
            #expect(brokers == [BrokerInfo(id: 1, endpoints: [endpoint], epoch: epoch)])

            // Once the first broker's session ends, the id is free again, with a new epoch.
            await broker.zooKeeper.close()
            let newEpoch = try await impostor.registerBroker(registration)
            #expect(newEpoch > epoch)
        }
    }

    /// Several brokers race for /controller: exactly one wins, and the epoch goes up by one.
    @Test func controllerElection_hasExactlyOneWinner_andBumpsTheEpoch() async throws {
        let chroot = freshChroot()
        var clients: [KafkaZooKeeperClient] = []
        for _ in 0..<4 { clients.append(try await connect(chroot: chroot)) }
        try await withClosingAll(clients) { clients async throws in
            let outcomes = await withTaskGroup(of: (Int32, Result<Int32, any Error>).self) { group in
                for (index, client) in clients.enumerated() {
                    group.addTask {
                        do {
                            let won = try await client.registerControllerAndIncrementControllerEpoch(
                                brokerID: Int32(index + 1), timestamp: 0)
                            return (Int32(index + 1), .success(won.epoch))
                        } catch {
                            return (Int32(index + 1), .failure(error))
                        }
                    }
                }
                return await group.reduce(into: [(Int32, Result<Int32, any Error>)]()) { $0.append($1) }
            }
            let winners = outcomes.compactMap { id, result in (try? result.get()).map { (id, $0) } }
            #expect(winners.count == 1)
            #expect(winners.first?.1 == 1)
            // Every loser fails with ControllerMovedError (the winner is the one success, checked above).
            for (_, result) in outcomes {
                if case .failure(let error) = result { #expect(error is ControllerMovedError, "\(error)") }
            }
            #expect(outcomes.filter { if case .failure = $0.1 { true } else { false } }.count == outcomes.count - 1)
            let winner = try #require(winners.first?.0)
            #expect(try await clients[0].getControllerID() == winner)
            #expect(try await clients[0].controllerEpoch()?.epoch == 1)
        }
    }

    /// A zombie controller's fenced write fails once a newer controller has bumped the epoch.
    @Test func fencedWrite_fromAZombieController_failsWithControllerMoved() async throws {
        let chroot = freshChroot()
        try await withClosing(try await connect(chroot: chroot)) { old async throws in
            try await withClosing(try await connect(chroot: chroot)) { new async throws in
                let (_, oldVersion) = try await old.registerControllerAndIncrementControllerEpoch(brokerID: 1, timestamp: 0)
                try await old.fencedMulti([.create(path: "/written-by-old", data: nil)], expectedControllerEpochZKVersion: oldVersion)
                // The old controller's session "dies": /controller goes, another broker wins with epoch 2.
                try await old.zooKeeper.delete(ZNodePaths.controller)
                let (newEpoch, newVersion) = try await new.registerControllerAndIncrementControllerEpoch(brokerID: 2, timestamp: 0)
                #expect(newEpoch == 2)
                await #expect(throws: ControllerMovedError.self) {
                    try await old.fencedMulti([.create(path: "/zombie-write", data: nil)], expectedControllerEpochZKVersion: oldVersion)
                }
                #expect(try await new.zooKeeper.exists("/zombie-write") == nil)
                // The new controller's writes go through; a failing inner op surfaces its own error.
                try await new.fencedMulti([.create(path: "/written-by-new", data: nil)], expectedControllerEpochZKVersion: newVersion)
                do {
                    try await new.fencedMulti([.create(path: "/written-by-new", data: nil)], expectedControllerEpochZKVersion: newVersion)
                    Issue.record("expected NODEEXISTS")
                } catch let error as ZooKeeperError {
                    #expect(error.code == .nodeExists)
                    #expect(error.multiResults == [.failed(.nodeExists)])
                }
            }
        }
    }
}

extension KafkaZooKeeperClient: AsyncClosable {
    public func close() async { await zooKeeper.close() }
}
