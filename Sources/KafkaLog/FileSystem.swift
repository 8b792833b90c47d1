#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Directory operations on plain POSIX calls; every failure is a `LogError.storage` naming the path.
enum FileSystem {
    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Modification time in milliseconds (Kafka's `File.lastModified`).
    static func modificationTimeMs(_ path: String) -> Int64? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int64(st.st_mtim.tv_sec) * 1000 + Int64(st.st_mtim.tv_nsec) / 1_000_000
    }

    /// Creates `path` and missing parents; an existing non-directory is an error (ENOTDIR).
    static func makeDirectory(_ path: String) throws(LogError) {
        if isDirectory(path) { return }
        if exists(path) { throw .storage(path: path, operation: "create directory", errno: ENOTDIR) }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectory(String(path[..<slash]))
        }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw .storage(path: path, operation: "create directory", errno: errno)
        }
        guard isDirectory(path) else { throw .storage(path: path, operation: "create directory", errno: ENOTDIR) }
    }

    /// Entry names in `path`, without `.` and `..`.
    static func list(_ path: String) throws(LogError) -> [String] {
        guard let dir = opendir(path) else { throw .storage(path: path, operation: "list directory", errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { ptr in
                ptr.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func rename(_ from: String, _ to: String) throws(LogError) {
        guard Glibc.rename(from, to) == 0 else { throw .storage(path: from, operation: "rename to \(to)", errno: errno) }
    }

    /// Removes a file; a missing file is fine.
    static func remove(_ path: String) throws(LogError) {
        if unlink(path) != 0 && errno != ENOENT { throw .storage(path: path, operation: "delete", errno: errno) }
    }

    /// Removes `path` and everything below it.
    static func removeTree(_ path: String) throws(LogError) {
        if isDirectory(path) {
            for name in try list(path) { try removeTree(path + "/" + name) }
            if rmdir(path) != 0 && errno != ENOENT { throw .storage(path: path, operation: "delete directory", errno: errno) }
        } else {
            try remove(path)
        }
    }

    /// fsync on a directory makes renames and creations in it durable.
    static func syncDirectory(_ path: String) throws(LogError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .storage(path: path, operation: "open directory", errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .storage(path: path, operation: "fsync directory", errno: errno) }
    }
}

extension FileSystem {
    /// Sets a file's modification time (Kafka's `File.setLastModified`, used on cleaned segments).
    static func setModificationTimeMs(_ path: String, _ ms: Int64) throws(LogError) {
        var times = [
            timespec(tv_sec: Int(ms / 1000), tv_nsec: Int((ms % 1000) * 1_000_000)),
            timespec(tv_sec: Int(ms / 1000), tv_nsec: Int((ms % 1000) * 1_000_000)),
        ]
        guard utimensat(AT_FDCWD, path, &times, 0) == 0 else {
            throw .storage(path: path, operation: "set modification time", errno: errno)
        }
    }
}
