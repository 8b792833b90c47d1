import Foundation

/// Runs one container-engine or compose command (found on PATH) to completion, bounded in time,
/// and returns its exit status with stdout and stderr together. The output goes to a temporary file,
/// not a pipe, so a chatty command (compose's progress) can never block on a full pipe.
enum ContainerCommandRunner {
    struct Result: Sendable {
        var status: Int32
        var output: String
        var succeeded: Bool { status == 0 }
    }

    static func run(_ arguments: [String], environment extra: [String: String] = [:], timeout: Duration = .seconds(120)) throws -> Result {
        precondition(!arguments.isEmpty, "arguments must start with the program")
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("zkafka-container-\(getpid())-\(UUID().uuidString.prefix(8)).out").path
        defer { unlink(outputPath) }
        // posix_spawnp and waitpid rather than Foundation's Process: its child reaping sometimes
        // missed a `podman start` that had exited (a zombie, and `isRunning` true forever).
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&fileActions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGTERM, SIGPIPE, SIGCHLD] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)))

        let environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &fileActions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw LocalClusterError(.spawnFailed, "cannot run \(arguments[0]): \(String(cString: strerror(spawned)))")
        }
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid || (reaped < 0 && errno != EINTR) { break }
            if ContinuousClock.now >= deadline {
                kill(pid, SIGTERM)
                usleep(2_000_000)
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw LocalClusterError(
                    .containerCommandFailed, "`\(arguments.joined(separator: " "))` did not finish within \(timeout); stopped it")
            }
            usleep(20_000)
        }
        // WIFEXITED / WEXITSTATUS by hand (they are macros): low 7 bits zero means exited.
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Result(status: exitStatus, output: text)
    }

    /// Like `run`, but a non-zero exit throws with the command and the end of its output.
    @discardableResult
    static func check(_ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(120)) throws -> Result {
        let result = try run(arguments, environment: environment, timeout: timeout)
        guard result.succeeded else {
            throw LocalClusterError(
                .containerCommandFailed,
                "`\(arguments.joined(separator: " "))` exited with status \(result.status):\n"
                    + String(result.output.trimmingCharacters(in: .whitespacesAndNewlines).suffix(2000)))
        }
        return result
    }
}
