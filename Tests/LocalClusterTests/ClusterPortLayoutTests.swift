import Glibc
import Testing

@testable import LocalCluster

@Suite(.tags(.unit)) struct ClusterPortLayoutTests {
    @Test func deterministic_basePort2181_followsTheDocumentedLayout() throws {
        let layout = try ClusterPortLayout.deterministic(basePort: 2181, zookeepers: 3, brokers: 2)
        #expect(layout.zookeeper.map(\.client) == [2181, 2182, 2183])
        #expect(layout.zookeeper.map(\.quorum) == [2184, 2185, 2186])
        #expect(layout.zookeeper.map(\.election) == [2187, 2188, 2189])
        #expect(layout.brokers == [2190, 2191])
        #expect(Set(layout.purposes.map(\.port)).count == 11)
    }

    @Test func deterministic_portsBeyond65535_areRejected() {
        #expect(throws: LocalClusterError.self) {
            try ClusterPortLayout.deterministic(basePort: 65530, zookeepers: 3, brokers: 0)
        }
        #expect(throws: LocalClusterError.self) {
            try ClusterPortLayout.deterministic(basePort: 80, zookeepers: 1, brokers: 0)
        }
    }

    @Test func allocate_twice_givesDistinctFreePorts() throws {
        let first = try ClusterPortLayout.allocate(zookeepers: 3, brokers: 3)
        let second = try ClusterPortLayout.allocate(zookeepers: 3, brokers: 3)
        let all = first.purposes.map(\.port) + second.purposes.map(\.port)
        #expect(Set(all).count == 24)
        #expect(all.allSatisfy { FreePortAllocator.range.contains($0) })
        try first.checkAllFree()
    }

    @Test func checkAllFree_listeningPort_throwsPortTakenNamingThePort() throws {
        let listener = try TCPListener()
        defer { listener.close() }
        let layout = try ClusterPortLayout.deterministic(basePort: listener.port, zookeepers: 1, brokers: 0)
        let error = try #require(throws: LocalClusterError.self) { try layout.checkAllFree() }
        #expect(error.code == .portTaken)
        #expect(error.message.contains("port \(listener.port)"))
        #expect(error.message.contains("client port of zookeeper 1"))
    }
}

/// A socket listening on a free port of 127.0.0.1, for tests that need a port to be taken.
struct TCPListener {
    let descriptor: Int32
    let port: Int

    init() throws {
        port = try FreePortAllocator.reserve(count: 1)[0]
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(bound == 0 && listen(descriptor, 4) == 0)
    }

    func close() { _ = Glibc.close(descriptor) }
}
