#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// A file descriptor and its path (for error messages). Plain POSIX I/O: Kafka 2.8 appends through a
/// `FileChannel` and memory-maps its indexes; here every write is one `pwrite` and every read one `pread`.
struct PosixFile: Sendable {
    let fd: Int32
    let path: String

    static func open(_ path: String, create: Bool) throws(LogError) -> PosixFile {
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0)
        let fd = Glibc.open(path, flags, 0o644)
        guard fd >= 0 else { throw .storage(path: path, operation: "open", errno: errno) }
        return PosixFile(fd: fd, path: path)
    }

    func size() throws(LogError) -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .storage(path: path, operation: "fstat", errno: errno) }
        return Int(st.st_size)
    }

    /// Writes all of `buffer`'s readable bytes at `offset`: one `pwrite` unless the kernel writes short.
    func write(_ buffer: ByteBuffer, at offset: Int) throws(LogError) {
        let code: Int32 = buffer.withUnsafeReadableBytes { raw in
            guard let base = raw.baseAddress else { return 0 }
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, base + done, raw.count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += n
            }
            return 0
        }
        if code != 0 { throw .storage(path: path, operation: "write", errno: code) }
    }

    func write(bytes: [UInt8], at offset: Int) throws(LogError) {
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        try write(buffer, at: offset)
    }

    /// Reads up to `count` bytes at `offset` (fewer at end of file).
    func read(count: Int, at offset: Int) throws(LogError) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: max(count, 1))
        guard count > 0 else { return buffer }
        var code: Int32 = 0
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { raw in
            let base = raw.baseAddress!
            var done = 0
            while done < count {
                let n = pread(fd, base + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    code = errno
                    return done
                }
                if n == 0 { break }
                done += n
            }
            return done
        }
        if code != 0 { throw .storage(path: path, operation: "read", errno: code) }
        return buffer
    }

    func sync() throws(LogError) {
        guard fsync(fd) == 0 else { throw .storage(path: path, operation: "fsync", errno: errno) }
    }

    func truncate(to size: Int) throws(LogError) {
        guard ftruncate(fd, off_t(size)) == 0 else { throw .storage(path: path, operation: "ftruncate", errno: errno) }
    }

    func close() throws(LogError) {
        guard Glibc.close(fd) == 0 else { throw .storage(path: path, operation: "close", errno: errno) }
    }
}
