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
/// remembered for the life of the process and never handed out twice. Clusters of other processes
/// (a `zkafka chaos` or `zkafka bench` started by a test, another test run) must not take a port
/// either, even while the broker that owns it is down between a kill and its restart: each port handed
/// out is also claimed by a file `<tmp>/zkafka-port-reservations/<port>` naming the reserving process,
/// which other processes honour while that process lives.
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
                guard !handedOut.contains(candidate), isFree(candidate), claimAcrossProcesses(candidate) else { continue }
                handedOut.insert(candidate)
                chosen.append(candidate)
            }
            return chosen
        }
    }

    static let reservationDirectory: String = {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/zkafka-port-reservations"
    }()

    /// Claims `port` for this process with an exclusively created file; a claim by a process that no longer runs is
    /// taken over. False when another live process holds it.
    static func claimAcrossProcesses(_ port: Int) -> Bool {
        mkdir(reservationDirectory, 0o777)
        let path = reservationDirectory + "/\(port)"
        for _ in 0..<2 {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if fd >= 0 {
                let text = "\(getpid())\n"
                _ = text.withCString { write(fd, $0, strlen($0)) }
                close(fd)
                return true
            }
            guard errno == EEXIST else { return true }  // no reservations possible here: the in-process set still holds
            guard let owner = reservationOwner(path), owner != getpid() else { return false }
            // kill(pid, 0) fails with ESRCH only when no such process exists.
            if kill(owner, 0) == 0 || errno != ESRCH { return false }
            unlink(path)
        }
        return false
    }

    private static func reservationOwner(_ path: String) -> pid_t? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { return nil }
        return pid_t(String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
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
