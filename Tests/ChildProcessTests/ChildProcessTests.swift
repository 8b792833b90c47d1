import Foundation
import KafkaTestKit
import Testing

@testable import ChildProcess

/// Real `/bin/sh` children: exit codes, signals, timeouts, redirects, environment, working
/// directory, groups and sessions.
@Suite(.tags(.unit), .timeLimit(.minutes(1)))
struct ChildProcessTests {
    private let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("zkafka-child-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    private func shell(
        _ script: String, output: ChildProcessOptions.Output = .discard, error: ChildProcessOptions.Output = .discard,
        grouping: ChildProcessOptions.Grouping = .ownGroup, environment: [String: String] = [:], in workingDirectory: String? = nil
    ) -> ChildProcessOptions {
        ChildProcessOptions(
            ["/bin/sh", "-c", script], environment: environment, workingDirectory: workingDirectory,
            standardOutput: output, standardError: error, grouping: grouping)
    }

    private func contents(_ name: String) -> String {
        (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)) ?? ""
    }

    @Test func exitCode_isReported() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try ChildProcess.run(shell("exit 0"), timeout: .seconds(20)) == .exited(0))
        #expect(try ChildProcess.run(shell("exit 42"), timeout: .seconds(20)) == .exited(42))
    }

    @Test func signal_endsTheProcess_andIsReportedAsSignalled() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let child = try ChildProcess.spawn(shell("sleep 30"))
        #expect(child.isRunning)
        #expect(child.signal(SIGKILL))
        #expect(child.wait(timeout: .seconds(20)) == .signalled(SIGKILL))
        // Reaped: the pid is never signalled again, and the status stays known.
        #expect(!child.signal(SIGTERM))
        #expect(child.exitStatus == .signalled(SIGKILL))
    }

    @Test func run_stopsAChildThatOutlivesTheTimeout() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let started = ContinuousClock.now
        #expect(try ChildProcess.run(shell("sleep 30"), timeout: .milliseconds(200)) == nil)
        // Not a timing assertion on speed: only that the 30 s sleep was cut short.
        #expect(ContinuousClock.now - started < .seconds(25))
    }

    @Test func wait_returnsNilWhileRunning_thenTheStatus() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(mkfifo(directory + "/fifo", 0o600) == 0)
        let child = try ChildProcess.spawn(shell("read line < \(directory)/fifo; exit 5"))
        #expect(child.wait(timeout: .milliseconds(100)) == nil)
        try "go\n".write(toFile: directory + "/fifo", atomically: false, encoding: .utf8)
        #expect(await child.exit(timeout: .seconds(20)) == .exited(5))
    }

    @Test func redirects_writeOutputAndErrorToFiles_appendingOrTruncating() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let out = directory + "/out", err = directory + "/err", both = directory + "/both"
        #expect(try ChildProcess.run(shell("echo one; echo two >&2", output: .file(out, append: false), error: .file(err, append: false)), timeout: .seconds(20)) == .exited(0))
        #expect(contents("out") == "one\n")
        #expect(contents("err") == "two\n")
        _ = try ChildProcess.run(shell("echo again", output: .file(out, append: true)), timeout: .seconds(20))
        #expect(contents("out") == "one\nagain\n")
        _ = try ChildProcess.run(shell("echo new", output: .file(out, append: false)), timeout: .seconds(20))
        #expect(contents("out") == "new\n")
        _ = try ChildProcess.run(shell("echo a; echo b >&2", output: .file(both, append: false), error: .standardOutput), timeout: .seconds(20))
        #expect(contents("both") == "a\nb\n")
    }

    @Test func redirect_toAPipeDescriptor_reachesTheReadEnd() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let child = try ChildProcess.spawn(shell("printf piped", output: .descriptor(ends[1])))
        close(ends[1])
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(ends[0], &buffer, buffer.count)
        #expect(child.wait(timeout: .seconds(20)) == .exited(0))
        #expect(String(decoding: buffer.prefix(max(0, count)), as: UTF8.self) == "piped")
    }

    @Test func environmentAndWorkingDirectory_reachTheChild() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let out = directory + "/out"
        let options = shell(
            "echo \"$ZKAFKA_CHILD_TEST $(pwd -P)\"", output: .file(out, append: false),
            environment: ["ZKAFKA_CHILD_TEST": "seen"], in: directory)
        #expect(try ChildProcess.run(options, timeout: .seconds(20)) == .exited(0))
        let resolved = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        #expect(contents("out") == "seen \(resolved)\n")
        #expect(throws: ChildProcessError.self) {
            try ChildProcess.spawn(ChildProcessOptions(["/bin/true"], workingDirectory: directory + "/missing")).wait(timeout: .seconds(5))
        }
    }

    @Test func missingExecutable_isAClearError() {
        #expect(throws: ChildProcessError.self) { try ChildProcess.spawn(ChildProcessOptions(["/nonexistent/zkafka-nothing"])) }
        #expect(throws: ChildProcessError.self) { try ChildProcess.spawn(ChildProcessOptions([])) }
    }

    @Test func groupings_putTheChildInItsOwnGroupOrSession() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let own = try ChildProcess.spawn(shell("sleep 30", grouping: .ownGroup))
        let detached = try ChildProcess.spawn(shell("sleep 30", grouping: .detached))
        let shared = try ChildProcess.spawn(shell("sleep 30", grouping: .launcherGroup))
        defer { for child in [own, detached, shared] { child.stop(signal: SIGKILL, grace: .seconds(5)) } }
        #expect(getpgid(own.pid) == own.pid)
        #expect(getsid(own.pid) == getsid(0))
        #expect(getsid(detached.pid) == detached.pid)
        #expect(getpgid(shared.pid) == getpgrp())
    }

    @Test func stop_signalsTheWholeGroup_includingGrandchildren() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pidFile = directory + "/grandchild"
        // The shell starts a background sleep (a grandchild in the same group) and waits on it.
        let child = try ChildProcess.spawn(shell("sleep 30 & echo $! > \(pidFile); wait"))
        var grandchild: pid_t = 0
        try pollUntilBlocking("the shell writes its background job's pid", timeout: .seconds(10)) {
            grandchild = pid_t(contents("grandchild").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            return grandchild > 0
        }
        #expect(kill(grandchild, 0) == 0)
        let status = child.stop(signal: SIGTERM, grace: .seconds(10))
        #expect(status == .signalled(SIGTERM))
        // The grandchild is not ours to reap (init adopts it): gone means kill(…, 0) fails or it is a zombie.
        try pollUntilBlocking("the grandchild \(grandchild) is gone", timeout: .seconds(10)) {
            let state = (try? String(contentsOfFile: "/proc/\(grandchild)/stat", encoding: .utf8))
            return kill(grandchild, 0) != 0 || state?.contains(") Z") == true
        }
    }

    @Test func stop_escalatesToSIGKILL_whenTheSignalIsIgnored() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ready = directory + "/ready"
        let child = try ChildProcess.spawn(shell("trap '' TERM; touch \(ready); while :; do sleep 1; done"))
        try pollUntilBlocking("the shell has set its trap", timeout: .seconds(10)) { FileManager.default.fileExists(atPath: ready) }
        #expect(child.stop(signal: SIGTERM, grace: .milliseconds(300)) == .signalled(SIGKILL))
    }
}
