#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Finds free TCP ports on 127.0.0.1 for clusters that were not given a base port.
///
/// Ports come from 20000-32767, below Linux's ephemeral range (32768-60999), so an outgoing
/// connection's local port cannot grab a port between our check and the server's bind. Several
/// clusters may start concurrently in one process (parallel tests), so every port handed out is
/// remembered for the life of the process and never handed out twice.
enum FreePortAllocator {
    private static let handedOut = Mutex<Set<Int>>([])
    static let range = 20000...32767

    static func reserve(count: Int) throws -> [Int] {
        try handedOut.withLock { handedOut in
            var chosen: [Int] = []
            var attempts = 0
            while chosen.count < count {
                attempts += 1
                guard attempts <= 20 * count + 200 else {
                    throw LocalClusterError(.noFreePort, "found no \(count) free ports in \(range)")
                }
                let candidate = Int.random(in: range)
                guard !handedOut.contains(candidate), isFree(candidate) else { continue }
                handedOut.insert(candidate)
                chosen.append(candidate)
            }
            return chosen
        }
    }

    /// Whether a server could listen on `host:port` now. Binds with SO_REUSEADDR as Java servers
    /// do, so a port whose old connections linger in TIME_WAIT counts as free but a listener does not.
    static func isFree(_ port: Int, host: String = "127.0.0.1") -> Bool {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { return false }
        defer { close(socketFD) }
        var one: Int32 = 1
        setsockopt(socketFD, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return false }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return bound == 0 && listen(socketFD, 1) == 0
    }
}
