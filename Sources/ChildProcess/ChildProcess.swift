#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A process started with `posix_spawn` and reaped by its launcher with `waitpid` — the one way ZKafka
/// starts processes. (Foundation's `Process` was seen never noticing that a child had exited, leaving
/// it a zombie, in a test process that also spawns and reaps cluster processes; and it cannot put a
/// child in its own group or session.)
///
/// Once reaped, the status is kept and the pid is never signalled again: the kernel may have given
/// that number to another program.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    public let grouping: ChildProcessOptions.Grouping
    private let status = Mutex<ExitStatus?>(nil)

    private init(pid: pid_t, grouping: ChildProcessOptions.Grouping) {
        self.pid = pid
        self.grouping = grouping
    }

    /// Starts `options.arguments[0]`. Signals start with their default actions and none blocked,
    /// whatever the launcher (a test runner, a shell with `trap '' INT`) set.
    public static func spawn(_ options: ChildProcessOptions) throws -> ChildProcess {
        guard let executable = options.arguments.first, !executable.isEmpty else {
            throw ChildProcessError("no executable to start: the arguments are empty")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if !options.inheritsStandardInput {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        try redirect(1, to: options.standardOutput, in: &actions)
        try redirect(2, to: options.standardError, in: &actions)
        if let directory = options.workingDirectory {
            try SpawnFileActions.changeDirectory(&actions, to: directory)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)
        switch options.grouping {
        case .launcherGroup: break
        case .ownGroup:
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        case .detached:
            flags |= SpawnFileActions.setSessionFlag
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv: [UnsafeMutablePointer<CChar>?] = options.arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] =
            options.environmentBlock(launcher: launcherEnvironment()).map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        // A bare name is looked up on PATH (posix_spawnp), as a shell would; a path is used as it is.
        let result =
            executable.contains("/")
            ? posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
            : posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw ChildProcessError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return ChildProcess(pid: pid, grouping: options.grouping)
    }

    /// Runs to completion: the exit status, or nil when it did not end within `timeout` (it and its
    /// group are then stopped, SIGTERM first and SIGKILL after `grace`, and reaped).
    public static func run(
        _ options: ChildProcessOptions, timeout: Duration, grace: Duration = .milliseconds(500)
    ) throws -> ExitStatus? {
        let child = try spawn(options)
        if let status = child.wait(timeout: timeout) { return status }
        _ = child.stop(grace: grace)
        return nil
    }

    // MARK: Waiting

    /// The exit status if the process has ended (reaping it), else nil. Never blocks.
    public var exitStatus: ExitStatus? {
        status.withLock { known in
            if let known { return known }
            var raw: Int32 = 0
            let reaped = waitpid(pid, &raw, WNOHANG)
            if reaped == pid { known = ExitStatus(waitStatus: raw) }
            return known
        }
    }

    public var isRunning: Bool { exitStatus == nil }

    /// Blocks the calling thread until the process ends or `timeout` passes; nil when still running.
    public func wait(timeout: Duration) -> ExitStatus? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status = exitStatus { return status }
            if ContinuousClock.now >= deadline { return nil }
            usleep(Self.pollMicroseconds)
        }
    }

    /// `wait(timeout:)` without holding a thread: sleeps between looks.
    public func exit(timeout: Duration) async -> ExitStatus? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status = exitStatus { return status }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .microseconds(Self.pollMicroseconds))
        }
    }

    /// How often a wait looks: short enough that a test does not notice, long enough not to spin.
    private static let pollMicroseconds: UInt32 = 20_000

    // MARK: Signals

    /// Sends `signal` to the process alone. False once it has been reaped (or the kill failed).
    @discardableResult
    public func signal(_ signal: Int32) -> Bool {
        status.withLock { known in known == nil && kill(pid, signal) == 0 }
    }

    /// Sends `signal` to the process's whole group (everything it started there too); for a child in
    /// the launcher's group, to the process alone — never to the launcher itself.
    @discardableResult
    public func signalGroup(_ signal: Int32) -> Bool {
        guard grouping != .launcherGroup else { return self.signal(signal) }
        // The group outlives its leader while members remain, so this is sent even after reaping.
        return kill(-pid, signal) == 0
    }

    /// Stops the process: `signal` to its group, up to `grace` for it to exit, then SIGKILL to the
    /// group; always returns the reaped status. Members left behind by an exited leader are killed.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, grace: Duration = .seconds(10)) -> ExitStatus {
        beginStop(signal)
        return finishStop(wait(timeout: grace))
    }

    /// `stop(signal:grace:)` without holding a thread during the grace period.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, grace: Duration = .seconds(10)) async -> ExitStatus {
        beginStop(signal)
        return finishStop(await exit(timeout: grace))
    }

    private func beginStop(_ signal: Int32) {
        guard isRunning else { return }
        signalGroup(signal)
        signalGroup(SIGCONT)  // a paused (SIGSTOPped) process cannot act on the signal
    }

    private func finishStop(_ ended: ExitStatus?) -> ExitStatus {
        if grouping != .launcherGroup { _ = kill(-pid, SIGKILL) }
        if let ended { return ended }
        return status.withLock { known in
            if let known { return known }
            _ = kill(pid, SIGKILL)
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
            let ended = ExitStatus(waitStatus: raw)
            known = ended
            return ended
        }
    }

    /// Reaps `pid` if it is a child of this process that has ended (a detached server a long-lived
    /// launcher killed); harmless (nil) for anyone else's process or one still running.
    @discardableResult
    public static func reapIfEnded(pid: pid_t) -> ExitStatus? {
        var raw: Int32 = 0
        return waitpid(pid, &raw, WNOHANG) == pid ? ExitStatus(waitStatus: raw) : nil
    }

    // MARK: Plumbing

    private static func redirect(
        _ descriptor: Int32, to output: ChildProcessOptions.Output, in actions: inout posix_spawn_file_actions_t
    ) throws {
        switch output {
        case .discard:
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0)
        case .inherit:
            break
        case .file(let path, let append):
            let mode = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC)
            posix_spawn_file_actions_addopen(&actions, descriptor, path, mode, 0o644)
        case .descriptor(let source):
            posix_spawn_file_actions_adddup2(&actions, source, descriptor)
        case .standardOutput:
            guard descriptor == 2 else { throw ChildProcessError("only standard error can go to standard output") }
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
    }

    private static func launcherEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            cursor += 1
        }
        return result
    }
}
