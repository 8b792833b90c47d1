import ChildProcess

/// Starts a process that outlives its launcher: its own session (so the terminal's Ctrl-C and
/// hang-up do not reach it), stdin from /dev/null, stdout and stderr appended to a log file.
/// LocalCluster tracks it by pid afterwards (`OwnedProcess`), across `zkafka` invocations.
enum DetachedProcessLauncher {
    static func spawn(arguments: [String], logPath: String) throws -> Int32 {
        let options = ChildProcessOptions(
            arguments, standardOutput: .file(logPath, append: true), standardError: .standardOutput, grouping: .detached)
        do {
            return try ChildProcess.spawn(options).pid
        } catch let error as ChildProcessError {
            throw LocalClusterError(.spawnFailed, error.description)
        }
    }
}
