import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process the benchmark starts (output appended to a log file) and ends itself: by
/// SIGKILL to measure what a crash does, or SIGTERM when done; either way it is reaped.
final class ChildProcess: Sendable {
    let pid: pid_t

    init(arguments: [String], logPath: String) throws {
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&fileActions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &fileActions, nil, argv, environ)
        guard result == 0 else { throw BenchmarkFailure("could not start \(arguments[0]): \(String(cString: strerror(result)))") }
        self.pid = pid
    }

    /// Sends `signal` and reaps the process (waiting at most `timeout`, then SIGKILL).
    func stop(signal: Int32, timeout: Duration = .seconds(10)) async {
        _ = kill(pid, signal)
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now >= deadline {
                _ = kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                return
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
