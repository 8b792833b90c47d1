import Testing

@testable import LocalCluster

@Suite(.tags(.unit)) struct SrvrResponseTests {
    private func answer(mode: String) -> String {
        """
        Zookeeper version: 3.8.0-5a02a05eddb59aee6ac762f7ea82e92a68eb9c0f, built on 2022-02-25 08:49 UTC
        Latency min/avg/max: 0/0.0/0
        Received: 3
        Sent: 2
        Connections: 1
        Outstanding: 0
        Zxid: 0x100000000
        Mode: \(mode)
        Node count: 5

        """
    }

    @Test(arguments: [
        ("leader", ZooKeeperServerMode.leader), ("follower", .follower),
        ("standalone", .standalone), ("observer", .observer),
    ])
    func parse_servingModes(text: String, mode: ZooKeeperServerMode) {
        let response = SrvrResponse(parsing: answer(mode: text))
        #expect(response.mode == mode)
        #expect(response.zxid == "0x100000000")
    }

    @Test func parse_notServing_hasNoMode() {
        #expect(SrvrResponse(parsing: "This ZooKeeper instance is not currently serving requests\n").mode == nil)
    }

    @Test func parse_readOnlyOrUnknownMode_isNotServing() {
        #expect(SrvrResponse(parsing: answer(mode: "read-only")).mode == nil)
        #expect(SrvrResponse(parsing: "").mode == nil)
    }

    @Test func status_leaderRules() {
        func status(_ modes: [ZooKeeperServerMode]) -> ClusterStatus {
            ClusterStatus(
                directory: "/d", connect: "",
                zookeeper: modes.enumerated().map { .init(id: $0.offset + 1, clientPort: 1, pid: nil, mode: $0.element) },
                brokers: [])
        }
        #expect(status([.leader, .follower, .follower]).isFullyServing)
        #expect(status([.standalone]).isFullyServing)
        #expect(status([.down, .leader, .follower]).hasLeader)
        #expect(!status([.down, .leader, .follower]).isFullyServing)
        #expect(!status([.notServing, .notServing, .down]).hasLeader)
        #expect(status([.follower, .leader, .paused]).leaderIDs == [2])
        #expect(status([.follower, .leader]).modes == [1: .follower, 2: .leader])
    }
}
