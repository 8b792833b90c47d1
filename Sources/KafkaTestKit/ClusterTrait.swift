import ChildProcess
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
            // ZKAFKA_KEEP_TEST_DIRS=1 keeps the brokers' logs and data for a post-mortem.
            if ProcessInfo.processInfo.environment["ZKAFKA_KEEP_TEST_DIRS"] == nil {
                try? FileManager.default.removeItem(atPath: directory)
            } else {
                print("ZKAFKA_KEEP_TEST_DIRS: kept \(directory)")
            }
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

/// Runs commands to completion through `ChildProcess` (posix_spawn, its own process group, reaped
/// with waitpid: Foundation's `Process` was seen never noticing that a child had exited in a test
/// process that also spawns and reaps cluster processes, so a test hung instead of failing).
public enum Command {
    /// `status` is the shell's `$?`: the exit code, 128 + a signal, or 124 (as timeout(1)) when the
    /// command and its group had to be stopped after `timeout`.
    public static func run(_ arguments: [String], timeout: Duration = .seconds(60), environment: [String: String] = [:]) throws -> CommandResult {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zkafka-command-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outputPath = directory + "/stdout"
        let errorPath = directory + "/stderr"
        let options = ChildProcessOptions(
            arguments, environment: environment,
            standardOutput: .file(outputPath, append: false), standardError: .file(errorPath, append: false))
        let status: ChildProcess.ExitStatus?
        do {
            status = try ChildProcess.run(options, timeout: timeout)
        } catch let error as ChildProcessError {
            throw CommandError(description: error.description)
        }
        return CommandResult(
            status: status?.shellCode ?? 124,
            standardOutput: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "")
    }
}

public struct CommandError: Error, CustomStringConvertible {
    public var description: String
}
