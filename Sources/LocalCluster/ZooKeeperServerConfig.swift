/// One server's `zoo.cfg`. Timings are short because everything runs on one machine: a 500 ms
/// tick makes elections and failure detection take seconds rather than tens of seconds.
struct ZooKeeperServerConfig: Sendable, Equatable {
    struct Peer: Sendable, Equatable {
        let id: Int
        let host: String
        let quorumPort: Int
        let electionPort: Int
    }

    let dataDir: String
    let clientPort: Int
    let host: String
    /// Every member of the ensemble including this one; empty or a single peer means standalone.
    let peers: [Peer]
    var tickTimeMilliseconds = 500

    func render() -> String {
        var lines = [
            "# Written by `zkafka cluster up`; rewritten on every `up`.",
            "tickTime=\(tickTimeMilliseconds)",
            // A follower gets 10 s to sync with a new leader and 5 s of silence before it is dropped.
            "initLimit=20",
            "syncLimit=10",
            "dataDir=\(dataDir)",
            "clientPort=\(clientPort)",
            "clientPortAddress=\(host)",
            "maxClientCnxns=0",
            // `srvr` is how the launcher learns each server's mode.
            "4lw.commands.whitelist=*",
            // The admin HTTP server would take port 8080 on every server and collide.
            "admin.enableServer=false",
            // Unknown keys become `zookeeper.*` system properties: a dead peer's election
            // connection attempt gives up after 1 s instead of 5 s, so re-election is quick.
            "cnxTimeout=1000",
            // Transaction log files are preallocated in 4 MB steps instead of 64 MB.
            "preAllocSize=4096",
        ]
        if peers.count > 1 {
            lines += peers.map { "server.\($0.id)=\($0.host):\($0.quorumPort):\($0.electionPort)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
