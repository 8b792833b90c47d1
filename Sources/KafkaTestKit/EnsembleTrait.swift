import Foundation
import Synchronization
import LocalCluster
import Testing
import ZooKeeper

/// Test support shared by the integration test targets (not a product).
///
/// A real 3-node ZooKeeper ensemble, started once around a whole suite (`@Suite(.ensemble)`) in a
/// temporary directory on free ports, and always stopped and removed afterwards.
public struct EnsembleTrait: SuiteTrait, TestScoping {
    @TaskLocal public static var current: RunningEnsemble?

    public init() {}

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("zkafka-it-\(UUID().uuidString.prefix(8))").path
        let cluster = LocalCluster(directory: directory)
        defer {
            try? cluster.down()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let descriptor = try cluster.up(zookeepers: 3, brokers: 0)
        try await Self.$current.withValue(RunningEnsemble(cluster: cluster, descriptor: descriptor)) {
            try await function()
        }
    }
}

extension Trait where Self == EnsembleTrait {
    /// Runs the suite against a fresh real 3-node ensemble.
    public static var ensemble: Self { EnsembleTrait() }
}

public struct RunningEnsemble: Sendable {
    public let cluster: LocalCluster
    public let descriptor: ClusterDescriptor

    public var connect: String { descriptor.zookeeper.connect }

    public static var current: RunningEnsemble {
        get throws { try #require(EnsembleTrait.current, "suite must be marked @Suite(.ensemble)") }
    }

    /// Connects a client; `chroot` gives each test its own corner of the tree.
    public func client(
        chroot: String? = nil, sessionTimeoutMilliseconds: Int = 6_000, maxInFlight: Int = 10,
        session: SessionCredentials? = nil
    ) async throws -> ZooKeeperClient {
        var connectString = try ConnectString(parsing: connect)
        connectString.chroot = chroot
        let configuration = ZooKeeperConfiguration(
            connectString: connectString, sessionTimeoutMilliseconds: sessionTimeoutMilliseconds,
            maxInFlightRequests: maxInFlight, session: session)
        return try await ZooKeeperClient.connect(configuration, timeout: .seconds(30))
    }

    /// A client rooted at a fresh, unique chroot (created first).
    public func isolatedClient(maxInFlight: Int = 10) async throws -> (client: ZooKeeperClient, root: String) {
        let root = "/t-\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try await client()
        try await admin.createRecursive(root)
        await admin.close()
        return (try await client(chroot: root, maxInFlight: maxInFlight), root)
    }
}

/// Collects watch events fired by handlers so a test can await them with a deadline.
public final class WatchRecorder: Sendable {
    public init() {}
    private let events = Mutex<[WatchEvent]>([])
    private let consumed = Mutex(0)

    public var handler: WatchHandler { { [self] event in events.withLock { $0.append(event) } } }

    /// Every event recorded so far.
    public var all: [WatchEvent] { events.withLock { $0 } }

    /// The next event not yet returned, or nil if none arrives within `timeout`.
    public func next(within timeout: Duration = .seconds(10)) async -> WatchEvent? {
        try? await poll("the next watch event", timeout: timeout, every: .milliseconds(20)) { takeNext() }
    }

    private func takeNext() -> WatchEvent? {
        let index = consumed.withLock { $0 }
        guard let event = events.withLock({ $0.count > index ? $0[index] : nil }) else { return nil }
        consumed.withLock { $0 += 1 }
        return event
    }
}

public func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
