import Foundation
import LocalCluster
import Testing

/// A real local cluster — 3 ZooKeeper servers and 3 ZKafka brokers, started by `LocalCluster` from
/// the built `zkafka` executable — around a whole suite (`@Suite(.cluster)`); always stopped and
/// removed afterwards.
public struct ClusterTrait: SuiteTrait, TestScoping {
    @TaskLocal public static var current: RunningCluster?

    public init() {}

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
        let descriptor = try cluster.up(zookeepers: 3, brokers: 3)
        try await Self.$current.withValue(RunningCluster(cluster: cluster, descriptor: descriptor)) {
            try await function()
        }
    }
}

extension Trait where Self == ClusterTrait {
    /// Runs the suite against a fresh local cluster of 3 ZooKeeper servers and 3 brokers.
    public static var cluster: Self { ClusterTrait() }
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

public enum Command {
    public static func run(_ arguments: [String], timeout: Duration = .seconds(60), environment: [String: String] = [:]) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        process.environment = env
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Drain both pipes while waiting so a chatty child cannot block on a full pipe.
        let outputData = OutputCollector(output.fileHandleForReading)
        let errorData = OutputCollector(error.fileHandleForReading)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            usleep(200_000)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus, standardOutput: outputData.text(), standardError: errorData.text())
    }
}

private final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let handle: FileHandle

    init(_ handle: FileHandle) {
        self.handle = handle
        handle.readabilityHandler = { [weak self] handle in
            let chunk = handle.availableData
            guard let self, !chunk.isEmpty else { return }
            self.lock.withLock { self.data.append(chunk) }
        }
    }

    func text() -> String {
        handle.readabilityHandler = nil
        let rest = handle.readDataToEndOfFile()
        return lock.withLock { String(decoding: data + rest, as: UTF8.self) }
    }
}
