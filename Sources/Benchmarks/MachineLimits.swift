import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The machine's own limits, measured in the same run as `zkafka bench produce` so its figures
/// can be read as fractions of them: sequential write bandwidth of the log directory's
/// filesystem (page cache only, and with the data forced to the device by `fsync`), and loopback
/// TCP bandwidth between two threads of this process.
public enum MachineLimits {
    /// Bytes per second writing `bytes` in 1 MiB `write(2)` calls to a new file in `directory`;
    /// with `fsync`, the clock stops only after `fsync(2)` has returned.
    public static func sequentialWriteBandwidth(directory: String, bytes: Int, fsync: Bool) throws -> Double {
        let path = "\(directory)/zkafka-bench-write-\(UUID().uuidString.prefix(8))"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw BenchmarkFailure("could not create \(path): errno \(errno)") }
        defer {
            close(descriptor)
            unlink(path)
        }
        let chunk = [UInt8](repeating: 0x5a, count: 1 << 20)
        let start = ContinuousClock.now
        var written = 0
        while written < bytes {
            let count = chunk.withUnsafeBytes { write(descriptor, $0.baseAddress, min($0.count, bytes - written)) }
            guard count > 0 else { throw BenchmarkFailure("write to \(path) failed: errno \(errno)") }
            written += count
        }
        if fsync { _ = Glibc.fsync(descriptor) }
        return Double(written) / (ContinuousClock.now - start).seconds
    }

    /// Bytes per second pushed through one loopback TCP connection: a writer thread sends `bytes`
    /// in 1 MiB `send(2)` calls, a reader thread receives them.
    public static func loopbackTCPBandwidth(bytes: Int) throws -> Double {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw BenchmarkFailure("socket failed: errno \(errno)") }
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
        }
        guard bound == 0, listen(listener, 1) == 0 else { throw BenchmarkFailure("bind/listen failed: errno \(errno)") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        let port = address.sin_port
        let received = ReceivedBytes()
        let reader = Thread {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return received.finish(0) }
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            var total = 0
            while total < bytes {
                let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                if count <= 0 { break }
                total += count
            }
            close(connection)
            received.finish(total)
        }
        reader.start()
        let sender = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(sender) }
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_addr.s_addr = inet_addr("127.0.0.1")
        target.sin_port = port
        let connected = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(sender, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw BenchmarkFailure("loopback connect failed: errno \(errno)") }
        let chunk = [UInt8](repeating: 0xa5, count: 1 << 20)
        let start = ContinuousClock.now
        var sent = 0
        while sent < bytes {
            let count = chunk.withUnsafeBytes { send(sender, $0.baseAddress, min($0.count, bytes - sent), Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw BenchmarkFailure("loopback send failed: errno \(errno)") }
            sent += count
        }
        let total = received.wait()
        guard total == bytes else { throw BenchmarkFailure("loopback receiver got \(total) of \(bytes) bytes") }
        return Double(total) / (ContinuousClock.now - start).seconds
    }
}

/// The reader thread's total, handed to the measuring thread.
private final class ReceivedBytes: @unchecked Sendable {
    private let condition = NSCondition()
    private var total: Int?

    func finish(_ bytes: Int) {
        condition.lock()
        total = bytes
        condition.signal()
        condition.unlock()
    }

    func wait() -> Int {
        condition.lock()
        defer { condition.unlock() }
        while total == nil { condition.wait() }
        return total!
    }
}

/// A benchmark step that could not be measured, with the reason.
public struct BenchmarkFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
