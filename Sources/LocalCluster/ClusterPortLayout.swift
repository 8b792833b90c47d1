import Foundation
/// The TCP ports of one cluster.
///
/// With a base port P the layout is deterministic, so users can write it down:
/// ZooKeeper client ports are P, P+1, ... P+N-1 (server id i gets P+i-1), quorum ports follow at
/// P+N ... P+2N-1, election ports at P+2N ... P+3N-1, and broker j listens on P+3N+j-1.
/// `--base-port 2181 --zookeepers 3` gives client ports 2181-2183, quorum 2184-2186,
/// election 2187-2189 and brokers from 2190.
struct ClusterPortLayout: Sendable, Equatable {
    struct ZooKeeperPorts: Sendable, Equatable {
        let client: Int
        let quorum: Int
        let election: Int
    }

    /// Index i holds the ports of ZooKeeper server id i+1.
    let zookeeper: [ZooKeeperPorts]
    /// Index j holds the port of broker id j+1.
    let brokers: [Int]

    static func deterministic(basePort: Int, zookeepers: Int, brokers: Int) throws -> ClusterPortLayout {
        let needed = 3 * zookeepers + brokers
        guard basePort >= 1024, basePort + needed - 1 <= 65535 else {
            throw LocalClusterError(
                .invalidArgument,
                "--base-port \(basePort) needs ports \(basePort)...\(basePort + needed - 1); "
                    + "choose a base port between 1024 and \(65536 - needed)"
            )
        }
        let n = zookeepers
        return ClusterPortLayout(
            zookeeper: (0..<n).map {
                ZooKeeperPorts(client: basePort + $0, quorum: basePort + n + $0, election: basePort + 2 * n + $0)
            },
            brokers: (0..<brokers).map { basePort + 3 * n + $0 }
        )
    }

    /// Picks ports no other cluster of this process holds and nothing on the machine listens on.
    static func allocate(zookeepers: Int, brokers: Int) throws -> ClusterPortLayout {
        let ports = try FreePortAllocator.reserve(count: 3 * zookeepers + brokers)
        let n = zookeepers
        return ClusterPortLayout(
            zookeeper: (0..<n).map {
                ZooKeeperPorts(client: ports[$0], quorum: ports[n + $0], election: ports[2 * n + $0])
            },
            brokers: Array(ports[(3 * n)...])
        )
    }

    /// Every port with what it is for, in layout order (used to name a taken port in errors).
    var purposes: [(port: Int, purpose: String)] {
        zookeeper.enumerated().flatMap { index, ports in
            [
                (ports.client, "client port of zookeeper \(index + 1)"),
                (ports.quorum, "quorum port of zookeeper \(index + 1)"),
                (ports.election, "election port of zookeeper \(index + 1)"),
            ]
        } + brokers.enumerated().map { index, port in (port, "port of broker \(index + 1)") }
    }

    /// Throws `portTaken` naming the first port something already listens on. `grace`: how long to wait for a
    /// taken port to come free first (a restart right after a kill -9, whose sockets the kernel may still be
    /// tearing down).
    func checkAllFree(grace: Duration = .zero) throws {
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline, purposes.contains(where: { !FreePortAllocator.isFree($0.port) }) {
            usleep(100_000)
        }
        for (port, purpose) in purposes where !FreePortAllocator.isFree(port) {
            throw LocalClusterError(
                .portTaken,
                "port \(port) (\(purpose)) is already in use; stop what listens there "
                    + "(`ss -ltnp 'sport = :\(port)'`) or choose another --base-port"
            )
        }
    }
}
