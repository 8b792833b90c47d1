#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The signals `cluster kill` can deliver. KILL and TERM end the process; STOP pauses it (a hung
/// server that still holds its sockets and session), CONT resumes a paused one.
public enum ClusterSignal: String, Sendable, CaseIterable {
    case kill = "KILL"
    case term = "TERM"
    case stop = "STOP"
    case cont = "CONT"

    /// Accepts the names users type: `KILL`, `kill`, `SIGKILL`.
    public init?(parsing text: String) {
        var name = text.uppercased()
        if name.hasPrefix("SIG") { name.removeFirst(3) }
        self.init(rawValue: name)
    }

    var number: Int32 {
        switch self {
        case .kill: SIGKILL
        case .term: SIGTERM
        case .stop: SIGSTOP
        case .cont: SIGCONT
        }
    }

    /// Whether the process is expected to be gone once the signal has been handled.
    var ends: Bool { self == .kill || self == .term }
}
