import Foundation
import Glibc
import KafkaTestKit
import Testing

@testable import LocalCluster

/// The process plumbing on a harmless shell process instead of a JVM: spawning detached with a
/// log file, liveness from /proc, the command-line marker, and reaping our own zombies.
@Suite(.tags(.unit), .timeLimit(.minutes(1)))
struct OwnedProcessTests {
    private func withShell(_ body: (OwnedProcess, String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zkafka-process-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = directory + "/shell.log"
        // `; :` keeps the shell (and so the marker, its $0) alive instead of exec'ing sleep.
        let pid = try DetachedProcessLauncher.spawn(
            arguments: ["/bin/sh", "-c", "echo hello from $$; sleep 30; :", directory + "/marker"], logPath: log)
        let process = OwnedProcess(pid: pid, marker: directory + "/")
        defer {
            kill(pid, SIGKILL)
            _ = process.waitUntilGone(timeout: .seconds(5))
        }
        // Until the child has exec'd, /proc shows the parent's command line (no marker yet), and in the
        // middle of exec an empty one, which `liveness` counts as ours: wait for the marker itself (a
        // loaded CI machine once caught the empty moment and failed the other-marker test).
        try pollUntilBlocking("the shell shows its marker in /proc/\(pid)/cmdline", timeout: .seconds(10), every: .milliseconds(10)) {
            let commandLine = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline").map { String(decoding: $0, as: UTF8.self) } ?? ""
            return process.liveness == .running && commandLine.contains(directory + "/")
        }
        try body(process, log)
    }

    @Test func spawned_isRunningInItsOwnSessionAndLogsToTheFile() throws {
        try withShell { process, log in
            #expect(process.liveness == .running)
            #expect(getsid(process.pid) == process.pid)
            try pollUntilBlocking("the shell logs its greeting", timeout: .seconds(5), every: .milliseconds(20)) {
                ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("hello")
            }
            let logged = try String(contentsOfFile: log, encoding: .utf8)
            #expect(logged == "hello from \(process.pid)\n")
        }
    }

    @Test func otherMarker_countsAsGone_soAReusedPIDIsNeverSignalled() throws {
        try withShell { process, _ in
            let stranger = OwnedProcess(pid: process.pid, marker: "/some/other/cluster/")
            #expect(stranger.liveness == .gone)
            #expect(!stranger.send(SIGKILL))
            #expect(process.liveness == .running)
        }
    }

    @Test func stopContKill_areObservedAndTheZombieIsReaped() throws {
        try withShell { process, _ in
            #expect(process.send(SIGSTOP))
            try pollUntilBlocking("the process shows as paused", timeout: .seconds(5), every: .milliseconds(10)) {
                process.liveness == .paused
            }
            #expect(process.send(SIGCONT))
            #expect(process.send(SIGKILL))
            #expect(process.waitUntilGone(timeout: .seconds(5)))
            // Reaped: the pid no longer exists at all, not even as a zombie.
            #expect(kill(process.pid, 0) == -1 && errno == ESRCH)
        }
    }

    @Test func fourLetterWord_toAClosedPortOrASilentListener_returnsNilInTime() throws {
        let closed = try FreePortAllocator.reserve(count: 1)[0]
        #expect(FourLetterWordClient.send("srvr", port: closed, timeout: .seconds(1)) == nil)
        let silent = try TCPListener()
        defer { silent.close() }
        let start = ContinuousClock.now
        #expect(FourLetterWordClient.send("srvr", port: silent.port, timeout: .milliseconds(300)) == nil)
        #expect(ContinuousClock.now - start < .seconds(2))
    }
}
