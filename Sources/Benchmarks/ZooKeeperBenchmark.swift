import CZooKeeperBaseline
import Foundation
import Synchronization
import ZooKeeper

/// `zkafka bench zk`: create, get and set throughput of the Swift client, one request at a time and
/// pipelined, beside a plain C loop over the same C client with the same window, from one run.
///
/// The ZooKeeper paper (Hunt et al., 2010) measured pipelining at about 27 times the synchronous
/// rate; the wrapper's overhead shows as the gap between the Swift and C pipelined columns.
public struct ZooKeeperBenchmark: Sendable {
    public enum Operation: String, Sendable, CaseIterable {
        case create, get, set
    }

    public struct Row: Sendable {
        public var operation: Operation
        public var oneAtATime: Double
        public var pipelined: Double
        public var cBaseline: Double
        public var speedUp: Double { pipelined / oneAtATime }
        public var swiftToC: Double { pipelined / cBaseline }
    }

    public var connect: String
    /// Operations per pipelined run (each of Swift and C).
    public var operations: Int
    /// Operations per one-at-a-time run (it is slower; fewer keep the run short).
    public var oneAtATimeOperations: Int
    /// Requests in flight in the pipelined runs.
    public var window: Int
    public var valueLength: Int
    /// Each figure is the best of this many rounds: the machine is shared, and the best round is
    /// the one least disturbed by other work.
    public var rounds: Int

    public init(
        connect: String, operations: Int, oneAtATimeOperations: Int, window: Int, valueLength: Int = 100,
        rounds: Int = 3
    ) {
        self.connect = connect
        self.operations = operations
        self.oneAtATimeOperations = oneAtATimeOperations
        self.window = window
        self.valueLength = valueLength
        self.rounds = rounds
    }

    /// Runs every measurement under a fresh root znode, which it removes afterwards.
    public func run(progress: @Sendable (String) -> Void = { _ in }) async throws -> [Row] {
        let root = "/zkafka-bench-\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try await ZooKeeperClient.connect(try ZooKeeperConfiguration(connect: connect))
        try await admin.createRecursive(root)
        defer { Task { await admin.close() } }

        let pipelinedClient = try await ZooKeeperClient.connect(
            try ZooKeeperConfiguration(connect: connect, maxInFlightRequests: window))
        let serialClient = try await ZooKeeperClient.connect(try ZooKeeperConfiguration(connect: connect))
        let value = [UInt8](repeating: UInt8(ascii: "v"), count: valueLength)
        var best: [Operation: Row] = [:]
        for round in 1...max(1, rounds) {
            for operation in Operation.allCases {
                let label = "round \(round)/\(rounds), \(operation.rawValue)"
                progress("\(label): one at a time (\(oneAtATimeOperations) ops)")
                let oneAtATime = try await measure(
                    serialClient, operation, prefix: "\(root)/r\(round)-s-", count: oneAtATimeOperations, workers: 1,
                    value: value)
                progress("\(label): pipelined, window \(window) (\(operations) ops)")
                let pipelined = try await measure(
                    pipelinedClient, operation, prefix: "\(root)/r\(round)-p-", count: operations, workers: window,
                    value: value)
                progress("\(label): C loop, window \(window) (\(operations) ops)")
                let baseline = try runBaseline(operation, prefix: "\(root)/r\(round)-c-")
                let previous = best[operation]
                best[operation] = Row(
                    operation: operation, oneAtATime: max(oneAtATime, previous?.oneAtATime ?? 0),
                    pipelined: max(pipelined, previous?.pipelined ?? 0),
                    cBaseline: max(baseline, previous?.cBaseline ?? 0))
            }
        }
        let rows = Operation.allCases.compactMap { best[$0] }
        await pipelinedClient.close()
        await serialClient.close()
        progress("cleaning up \(root)")
        try await deleteTree(admin, root)
        return rows
    }

    /// `workers` tasks share one counter; each awaits its request before taking the next index, so
    /// exactly `workers` requests are in flight (1 means one at a time).
    private func measure(
        _ client: ZooKeeperClient, _ operation: Operation, prefix: String, count: Int, workers: Int, value: [UInt8]
    ) async throws -> Double {
        let next = SharedCounter()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    while true {
                        let index = next.takeNext()
                        guard index < count else { return }
                        let path = "\(prefix)\(index)"
                        switch operation {
                        case .create: _ = try await client.create(path, data: value)
                        case .get: _ = try await client.getData(path)
                        case .set: try await client.setData(path, data: value)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(count) / (ContinuousClock.now - start).seconds
    }

    private func runBaseline(_ operation: Operation, prefix: String) throws -> Double {
        var message = [CChar](repeating: 0, count: 256)
        let cOperation: zkb_operation = switch operation {
        case .create: ZKB_CREATE
        case .get: ZKB_GET
        case .set: ZKB_SET
        }
        let rate = zkb_run(
            connect, cOperation, prefix, operations, Int32(window), Int32(valueLength), 30_000, &message,
            Int32(message.count))
        guard rate > 0 else {
            let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw BenchmarkError("C baseline \(operation.rawValue) failed: \(text)")
        }
        return rate
    }

    /// Deletes `root` and its children, pipelined.
    private func deleteTree(_ client: ZooKeeperClient, _ root: String) async throws {
        let children = try await client.getChildren(root).children
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, child) in children.enumerated() {
                if index >= 200 { try await group.next() }
                group.addTask { try await client.delete("\(root)/\(child)") }
            }
            try await group.waitForAll()
        }
        try await client.delete(root)
    }

    /// The printed table.
    public static func render(_ rows: [ZooKeeperBenchmark.Row], window: Int, rounds: Int) -> String {
        var lines = [
            "best of \(rounds) round(s); speed-up = pipelined / one-at-a-time; Swift/C = pipelined / C loop",
            "operation   one-at-a-time ops/s   pipelined ops/s (window \(window))   speed-up   C loop ops/s (window \(window))   Swift/C",
        ]
        for row in rows {
            lines.append(
                row.operation.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                    + format(row.oneAtATime).leftPadded(19) + format(row.pipelined).leftPadded(34)
                    + String(format: "%.1fx", row.speedUp).leftPadded(11)
                    + format(row.cBaseline).leftPadded(32)
                    + String(format: "%.2f", row.swiftToC).leftPadded(10))
        }
        return lines.joined(separator: "\n")
    }

    private static func format(_ rate: Double) -> String { String(format: "%.0f", rate) }
}

/// The next index for a set of worker tasks.
final class SharedCounter: Sendable {
    private let value = Atomic<Int>(0)
    func takeNext() -> Int { value.add(1, ordering: .relaxed).oldValue }
}

public struct BenchmarkError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
