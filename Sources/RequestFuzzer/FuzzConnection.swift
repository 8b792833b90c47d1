#if canImport(Glibc)
import Glibc
#endif

/// A plain blocking TCP connection with deadlines, for sending frames that no Kafka client would send and reading
/// whatever comes back. The fuzzer must not trust its own client library with hostile bytes, so this is raw.
final class FuzzConnection {
    enum Failure: Error, CustomStringConvertible {
        case connect(String)
        case closed
        case timedOut
        case io(String)

        var description: String {
            switch self {
            case .connect(let reason): "cannot connect: \(reason)"
            case .closed: "connection closed by the broker"
            case .timedOut: "no answer before the deadline"
            case .io(let reason): reason
            }
        }
    }

    private let fd: Int32
    private var buffered: [UInt8] = []

    init(host: String, port: Int) throws(Failure) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .connect("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr) == 1 else {
            close(fd)
            throw .connect("\(host) is not an IPv4 address")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let error = errno
            close(fd)
            throw .connect("\(host):\(port): errno \(error)")
        }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE || errno == ECONNRESET { throw .closed }
                throw .io("send: errno \(errno)")
            }
            offset += written
        }
    }

    /// The next response frame (without its size), waiting at most `milliseconds` in all.
    func readFrame(milliseconds: Int) throws(Failure) -> [UInt8] {
        let deadline = Self.nowMilliseconds() + milliseconds
        while true {
            if buffered.count >= 4 {
                let size = buffered[0..<4].reduce(0) { ($0 << 8) | Int($1) }
                guard size >= 0, size < 256 * 1024 * 1024 else { throw .io("response size \(size) out of range") }
                if buffered.count >= 4 + size {
                    let frame = Array(buffered[4..<(4 + size)])
                    buffered.removeFirst(4 + size)
                    return frame
                }
            }
            let remaining = deadline - Self.nowMilliseconds()
            guard remaining > 0 else { throw .timedOut }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining, Int(Int32.max))))
            if ready < 0 {
                if errno == EINTR { continue }
                throw .io("poll: errno \(errno)")
            }
            if ready == 0 { throw .timedOut }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { throw .closed }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                if errno == ECONNRESET { throw .closed }
                throw .io("recv: errno \(errno)")
            }
            buffered += chunk[0..<count]
        }
    }

    static func nowMilliseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return now.tv_sec * 1_000 + now.tv_nsec / 1_000_000
    }
}
