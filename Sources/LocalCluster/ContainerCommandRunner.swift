import ChildProcess
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
        // ChildProcess (posix_spawnp and waitpid) rather than Foundation's Process: its child reaping sometimes
        // missed a `podman start` that had exited (a zombie, and `isRunning` true forever).
        let options = ChildProcessOptions(
            arguments, environment: extra, standardOutput: .file(outputPath, append: false), standardError: .standardOutput,
            grouping: .launcherGroup)
        let status: ChildProcess.ExitStatus?
        do {
            status = try ChildProcess.run(options, timeout: timeout, grace: .seconds(2))
        } catch let error as ChildProcessError {
            throw LocalClusterError(.spawnFailed, error.description)
        }
        guard let status else {
            throw LocalClusterError(
                .containerCommandFailed, "`\(arguments.joined(separator: " "))` did not finish within \(timeout); stopped it")
        }
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Result(status: status.shellCode, output: text)
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
