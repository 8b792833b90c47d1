#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ChildProcess {
    /// How a child process ended, decoded from the raw status `waitpid` fills in. (Nested: Swift Testing
    /// has a top-level `ExitStatus` of its own.)
    public enum ExitStatus: Sendable, Equatable, CustomStringConvertible {
        /// It called exit (or returned from main) with this code.
        case exited(Int32)
        /// A signal ended it (SIGKILL, an unhandled SIGTERM, a crash's SIGSEGV ...).
        case signalled(Int32)

        /// Decodes a `waitpid` status the way the W* macros do (Swift cannot import the macros): the low 7
        /// bits are the terminating signal, 0 for a normal exit whose code is the next byte.
        public init(waitStatus status: Int32) {
            let signal = status & 0x7f
            self = signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
        }

        /// The code a shell reports in `$?`: the exit code, or 128 plus the signal number.
        public var shellCode: Int32 {
            switch self {
            case .exited(let code): code
            case .signalled(let signal): 128 + signal
            }
        }

        public var isSuccess: Bool { self == .exited(0) }

        public var description: String {
            switch self {
            case .exited(let code): "exited with \(code)"
            case .signalled(let signal): "killed by signal \(signal)"
            }
        }
    }
}
