#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts a process that outlives its launcher: its own session (so the terminal's Ctrl-C and
/// hang-up do not reach it), stdin from /dev/null, stdout and stderr appended to a log file.
enum DetachedProcessLauncher {
    // glibc declares POSIX_SPAWN_SETSID only under _GNU_SOURCE, which Swift's Glibc module does
    // not define; the value is fixed by glibc's ABI.
    private static let spawnSetSID: Int32 = 0x80

    static func spawn(arguments: [String], logPath: String) throws -> Int32 {
        precondition(!arguments.isEmpty, "arguments must start with the executable")
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&fileActions, 1, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A test runner may block or ignore signals; the server must start with defaults.
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        let flags = spawnSetSID | Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &fileActions, &attributes, argv, environ)
        guard result == 0 else {
            throw LocalClusterError(
                .spawnFailed, "cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        return pid
    }
}
