#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends one of ZooKeeper's four-letter words (`srvr`, `ruok`, ...) over a fresh TCP connection and
/// returns the whole answer. Every step is bounded by `timeout`, because a paused (SIGSTOP) server
/// accepts connections in the kernel but never answers.
enum FourLetterWordClient {
    static func send(_ word: String, host: String = "127.0.0.1", port: Int, timeout: Duration = .seconds(1))
        -> String?
    {
        exchange(Array(word.utf8), host: host, port: port, timeout: timeout).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Sends `request` and reads until the server closes the connection or `isComplete` says the answer
    /// is whole (a Kafka response, whose server keeps the connection open); nil on any failure or timeout.
    static func exchange(
        _ request: [UInt8], host: String = "127.0.0.1", port: Int, timeout: Duration = .seconds(1),
        isComplete: ([UInt8]) -> Bool = { _ in false }
    ) -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { return nil }
        defer { close(socketFD) }
        _ = fcntl(socketFD, F_SETFL, fcntl(socketFD, F_GETFL) | O_NONBLOCK)

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return nil }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if connected != 0 {
            guard errno == EINPROGRESS, wait(for: Int16(POLLOUT), on: socketFD, until: deadline) else { return nil }
            var socketError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(socketFD, SOL_SOCKET, SO_ERROR, &socketError, &length)
            guard socketError == 0 else { return nil }
        }
        guard request.withUnsafeBytes({ Glibc.send(socketFD, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) })
            == request.count
        else { return nil }

        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            guard wait(for: Int16(POLLIN), on: socketFD, until: deadline) else { return nil }
            let count = buffer.withUnsafeMutableBytes { recv(socketFD, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                answer += buffer[0..<count]
                if isComplete(answer) { return answer }
            } else if count == 0 {
                return answer
            } else if errno != EAGAIN && errno != EINTR {
                return nil
            }
        }
    }

    private static func wait(for events: Int16, on socketFD: Int32, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return false }
            let milliseconds = Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)
            var descriptor = pollfd(fd: socketFD, events: events, revents: 0)
            let ready = poll(&descriptor, 1, max(1, milliseconds))
            if ready > 0 { return true }
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 { continue }
            return false
        }
    }
}
