import Testing

@testable import LocalCluster

@Suite(.tags(.unit)) struct ZooKeeperServerConfigTests {
    private let peers = [
        ZooKeeperServerConfig.Peer(id: 1, host: "127.0.0.1", quorumPort: 3001, electionPort: 4001),
        ZooKeeperServerConfig.Peer(id: 2, host: "127.0.0.1", quorumPort: 3002, electionPort: 4002),
        ZooKeeperServerConfig.Peer(id: 3, host: "127.0.0.1", quorumPort: 3003, electionPort: 4003),
    ]

    private func lines(_ config: ZooKeeperServerConfig) -> Set<String> {
        Set(config.render().split(separator: "\n").map(String.init))
    }

    @Test func render_ensemble_listsEveryPeerAndTheServersOwnPorts() {
        let config = ZooKeeperServerConfig(dataDir: "/tmp/c/zookeeper-2/data", clientPort: 2182, host: "127.0.0.1", peers: peers)
        let rendered = lines(config)
        for expected in [
            "dataDir=/tmp/c/zookeeper-2/data", "clientPort=2182", "clientPortAddress=127.0.0.1",
            "server.1=127.0.0.1:3001:4001", "server.2=127.0.0.1:3002:4002", "server.3=127.0.0.1:3003:4003",
            "4lw.commands.whitelist=*", "admin.enableServer=false", "tickTime=500",
        ] {
            #expect(rendered.contains(expected), "missing \(expected)")
        }
    }

    @Test func render_singlePeer_hasNoServerLinesSoItRunsStandalone() {
        let config = ZooKeeperServerConfig(dataDir: "/d", clientPort: 2181, host: "127.0.0.1", peers: [peers[0]])
        #expect(!config.render().contains("server."))
        #expect(lines(config).contains("clientPort=2181"))
    }

    @Test func render_everyLineIsACommentOrKeyValue() {
        let config = ZooKeeperServerConfig(dataDir: "/d", clientPort: 2181, host: "127.0.0.1", peers: peers)
        for line in config.render().split(separator: "\n") {
            #expect(line.hasPrefix("#") || line.split(separator: "=").count == 2, "bad line \(line)")
        }
    }
}
