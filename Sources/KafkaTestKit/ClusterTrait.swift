import Foundation
import LocalCluster
import Testing

/// A real local cluster — 3 ZooKeeper servers and 3 ZKafka brokers, started by `LocalCluster` from
/// the built `zkafka` executable — around a whole suite (`@Suite(.cluster)`); always stopped and
/// removed afterwards.
public struct ClusterTrait: SuiteTrait, TestScoping {
    @TaskLocal public static var current: RunningCluster?

    /// `server.properties` lines for every broker, written to the cluster's
    /// `broker-overrides.properties` before it starts (so restarts keep them too).
    public let brokerOverrides: [String: String]

    public init(brokerOverrides: [String: String] = [:]) {
        self.brokerOverrides = brokerOverrides
    }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try ZKafkaExecutable.export()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("zkafka-cluster-\(UUID().uuidString.prefix(8))").path
        let cluster = LocalCluster(directory: directory)
        defer {
            try? cluster.down()
            try? FileManager.default.removeItem(atPath: directory)
        }
        if !brokerOverrides.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let lines = brokerOverrides.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)\n" }.joined()
            try lines.write(toFile: directory + "/broker-overrides.properties", atomically: true, encoding: .utf8)
        }
        let descriptor = try cluster.up(zookeepers: 3, brokers: 3)
        try await Self.$current.withValue(RunningCluster(cluster: cluster, descriptor: descriptor)) {
            try await function()
        }
    }
}

extension Trait where Self == ClusterTrait {
    /// Runs the suite against a fresh local cluster of 3 ZooKeeper servers and 3 brokers.
    public static var cluster: Self { ClusterTrait() }

    /// The same cluster, with `brokerOverrides` appended to every broker's `server.properties`.
    public static func cluster(brokerOverrides: [String: String]) -> Self { ClusterTrait(brokerOverrides: brokerOverrides) }
}

public struct RunningCluster: Sendable {
    public let cluster: LocalCluster
    public let descriptor: ClusterDescriptor

    public static var current: RunningCluster {
        get throws { try #require(ClusterTrait.current, "suite must be marked @Suite(.cluster)") }
    }

    /// `host:port` of every broker, for clients' bootstrap lists.
    public var bootstrapServers: String { descriptor.brokers.map { "\($0.host):\($0.port)" }.joined(separator: ",") }

    public func brokerAddress(_ id: Int) -> String {
        let broker = descriptor.brokers.first { $0.id == id }!
        return "\(broker.host):\(broker.port)"
    }
}

/// The `zkafka` executable the tests start brokers from: `ZKAFKA_EXECUTABLE`, or the one SwiftPM
/// built next to the test bundle.
public enum ZKafkaExecutable {
    public static func path() throws -> String {
        if let path = ProcessInfo.processInfo.environment["ZKAFKA_EXECUTABLE"], !path.isEmpty { return path }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = bundle.deletingLastPathComponent()
        // On Linux the test runner is `<bin>/zkafkaPackageTests.xctest`; walk up until `zkafka` appears.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("zkafka").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw ExecutableNotFound(searchedFrom: bundle.path)
    }

    /// Makes `LocalCluster` start brokers from that executable.
    public static func export() throws { setenv("ZKAFKA_EXECUTABLE", try path(), 1) }

    public struct ExecutableNotFound: Error, CustomStringConvertible {
        let searchedFrom: String
        public var description: String {
            "cannot find the built zkafka executable near \(searchedFrom); run `swift build` first or set ZKAFKA_EXECUTABLE"
        }
    }
}

/// Runs a command to completion with a deadline, returning exit status and output.
public struct CommandResult: Sendable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String
}

/// Runs commands with `posix_spawn` and reaps them with `waitpid` itself. (Foundation's `Process`
/// was seen never noticing that a child had exited — it stayed a zombie — in a test process that
/// also spawns and reaps cluster processes, so a test hung instead of failing.)
public enum Command {
    public static func run(_ arguments: [String], timeout: Duration = .seconds(60), environment: [String: String] = [:]) throws -> CommandResult {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zkafka-command-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outputPath = directory + "/stdout"
        let errorPath = directory + "/stderr"

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so a timeout can stop the command and whatever it started in it.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard rc == 0 else {
            throw CommandError(description: "cannot run \(arguments[0]): \(String(cString: strerror(rc)))")
        }
        var status: Int32 = 0
        let deadline = ContinuousClock.now + timeout
        var exited = false
        while ContinuousClock.now < deadline {
            if waitpid(pid, &status, WNOHANG) == pid {
                exited = true
                break
            }
            usleep(20_000)
        }
        if !exited {
            kill(-pid, SIGTERM)
            usleep(500_000)
            kill(-pid, SIGKILL)
            waitpid(pid, &status, 0)
        }
        let exitStatus: Int32 = exited ? ((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)) : 124
        return CommandResult(
            status: exitStatus,
            standardOutput: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "")
    }
}

public struct CommandError: Error, CustomStringConvertible {
    public var description: String
}
