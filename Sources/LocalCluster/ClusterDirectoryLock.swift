#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on the cluster directory's lock file, held while an operation reads,
/// changes and rewrites `cluster.json`, so two `zkafka cluster` commands on one directory do not
/// overwrite each other's pids.
enum ClusterDirectoryLock {
    static func withLock<T>(_ paths: ClusterPaths, _ body: () throws -> T) throws -> T {
        let lockFD = open(paths.lockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lockFD >= 0 else {
            throw LocalClusterError(
                .fileSystem, "cannot open \(paths.lockFile): \(String(cString: strerror(errno)))")
        }
        defer { close(lockFD) }
        while flock(lockFD, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw LocalClusterError(
                    .fileSystem, "cannot lock \(paths.lockFile): \(String(cString: strerror(errno)))")
            }
        }
        defer { flock(lockFD, LOCK_UN) }
        return try body()
    }
}
