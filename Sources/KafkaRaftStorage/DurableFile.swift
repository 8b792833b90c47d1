#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX calls the Raft storage needs, each throwing `RaftStorageError` with the path.
enum DurableFile {
    static func readAll(_ path: String) throws(RaftStorageError) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw RaftStorageError(operation: "open", path: path, errno: errno)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw RaftStorageError(operation: "read", path: path, errno: errno)
            }
            if n == 0 { return bytes }
            bytes += chunk[0..<n]
        }
    }

    static func openForAppend(_ path: String) throws(RaftStorageError) -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT, 0o644)
        if fd < 0 { throw RaftStorageError(operation: "open", path: path, errno: errno) }
        return fd
    }

    static func write(_ fd: Int32, _ bytes: [UInt8], at offset: Int, path: String) throws(RaftStorageError) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + written, $0.count - written, off_t(offset + written)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw RaftStorageError(operation: "write", path: path, errno: errno)
            }
            written += n
        }
    }

    static func sync(_ fd: Int32, path: String) throws(RaftStorageError) {
        if fsync(fd) != 0 { throw RaftStorageError(operation: "fsync", path: path, errno: errno) }
    }

    static func truncate(_ fd: Int32, to size: Int, path: String) throws(RaftStorageError) {
        if ftruncate(fd, off_t(size)) != 0 { throw RaftStorageError(operation: "ftruncate", path: path, errno: errno) }
    }

    /// Writes `bytes` to `path` atomically: a temporary file, fsync, rename, fsync of the directory.
    static func replace(_ path: String, with bytes: [UInt8], temporarySuffix: String = ".tmp") throws(RaftStorageError) {
        let temporary = path + temporarySuffix
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd < 0 { throw RaftStorageError(operation: "open", path: temporary, errno: errno) }
        do {
            try write(fd, bytes, at: 0, path: temporary)
            try sync(fd, path: temporary)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        if rename(temporary, path) != 0 { throw RaftStorageError(operation: "rename", path: temporary, errno: errno) }
        try syncDirectory(of: path)
    }

    static func syncDirectory(of path: String) throws(RaftStorageError) {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY)
        if fd < 0 { throw RaftStorageError(operation: "open", path: directory, errno: errno) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw RaftStorageError(operation: "fsync", path: directory, errno: errno) }
    }

    static func makeDirectory(_ path: String) throws(RaftStorageError) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw RaftStorageError(operation: "mkdir", path: path, errno: errno) }
    }

    static func list(_ path: String) throws(RaftStorageError) -> [String] {
        guard let directory = opendir(path) else { throw RaftStorageError(operation: "opendir", path: path, errno: errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func remove(_ path: String) throws(RaftStorageError) {
        if unlink(path) != 0 && errno != ENOENT { throw RaftStorageError(operation: "unlink", path: path, errno: errno) }
    }
}
