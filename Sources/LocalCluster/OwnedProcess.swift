#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ChildProcess
import Foundation

/// A process this cluster started, named by pid plus a marker (the cluster directory) that its
/// command line must contain. The marker guards against pid reuse: after a reboot or a long
/// time, a recorded pid may belong to somebody else's process, which must never be signalled.
struct OwnedProcess: Sendable {
    enum Liveness: Sendable, Equatable {
        case running
        /// Stopped by SIGSTOP (state T).
        case paused
        /// Exited, a zombie, or the pid now belongs to another program.
        case gone
    }

    let pid: Int32
    let marker: String

    var liveness: Liveness {
        guard pid > 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else {
            return .gone
        }
        // The state letter follows the command name, which is in parentheses and may contain spaces.
        guard let closing = stat.lastIndex(of: ")") else { return .gone }
        let state = stat[stat.index(after: closing)...].trimmingCharacters(in: .whitespaces).first
        switch state {
        case "Z", "X", "x":
            // A long-lived launcher (a test process) is the parent of what it killed: reap the
            // zombie so it does not linger. For anyone else's child this is a harmless ECHILD.
            ChildProcess.reapIfEnded(pid: pid)
            return .gone
        default:
            break
        }
        guard let commandLine else { return .gone }
        // A process that is exiting has already released its memory, so its command line reads
        // empty for a moment before it turns zombie: it is still ours, just not gone yet.
        guard commandLine.isEmpty || commandLine.contains(marker) else { return .gone }
        return state == "T" || state == "t" ? .paused : .running
    }

    /// The command line with arguments joined by spaces (a space keeps the marker from matching
    /// across two arguments), or nil when the process does not exist.
    private var commandLine: String? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
        return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
    }

    /// Sends `signal` if the process is still ours. Returns false when it was already gone.
    @discardableResult
    func send(_ signal: Int32) -> Bool {
        guard liveness != .gone else { return false }
        return kill(pid, signal) == 0
    }

    /// Polls until the process is gone or `timeout` passes; returns whether it is gone.
    func waitUntilGone(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while liveness != .gone {
            if ContinuousClock.now >= deadline { return false }
            usleep(20_000)
        }
        return true
    }
}
