import ChildProcess
import Foundation
import KafkaClient
import KafkaRaftProtocol
import KafkaTestKit

/// A KRaft cluster as real processes: `controllers` quorum members and `brokers` KRaft brokers
/// (`process.roles=broker`), each `zkafka server-start` on free loopback ports with formatted temp dirs.
/// `stopAll` kills every process still running and removes the directory.
final class KRaftClusterProcesses: @unchecked Sendable {
    let root: String
    let controllerIDs: [Int32]
    let brokerIDs: [Int32]
    /// Controller listener ports (or the only port of a broker-only node).
    let ports: [Int32: Int]
    /// The PLAINTEXT port of each broker (its `ports` entry unless the node is combined).
    let brokerPorts: [Int32: Int]
    private let executable: String
    private var processes: [Int32: ChildProcess] = [:]

    /// Ids in both `controllers` and `brokers` are combined nodes (`process.roles=broker,controller`).
    init(controllers: [Int32] = [1, 2, 3], brokers: [Int32] = [4, 5, 6], brokerProperties: [String] = []) throws {
        executable = try ZKafkaExecutable.path()
        controllerIDs = controllers
        brokerIDs = brokers
        root = NSTemporaryDirectory() + "kraft-cluster-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        var ports: [Int32: Int] = [:]
        var brokerPorts: [Int32: Int] = [:]
        for id in Set(controllers + brokers) { ports[id] = try FreePort.find() }
        for id in brokers { brokerPorts[id] = controllers.contains(id) ? try FreePort.find() : ports[id]! }
        self.ports = ports
        self.brokerPorts = brokerPorts
        let voters = controllers.map { "\($0)@127.0.0.1:\(ports[$0]!)" }.joined(separator: ",")
        let clusterID = try Command.run([executable, "storage", "random-uuid"], timeout: .seconds(30))
            .standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        for id in Set(controllers + brokers).sorted() {
            let isBroker = brokers.contains(id)
            let isController = controllers.contains(id)
            let listener = [
                isBroker ? "PLAINTEXT://127.0.0.1:\(brokerPorts[id]!)" : nil, isController ? "CONTROLLER://127.0.0.1:\(ports[id]!)" : nil,
            ].compactMap { $0 }.joined(separator: ",")
            let config = ([
                "process.roles=\([isBroker ? "broker" : nil, isController ? "controller" : nil].compactMap { $0 }.joined(separator: ","))",
                "node.id=\(id)",
                "controller.quorum.voters=\(voters)",
                "controller.listener.names=CONTROLLER",
                "listeners=\(listener)",
                "log.dirs=\(root)/data-\(id)",
            ] + (isBroker ? brokerProperties : [])).joined(separator: "\n")
            try config.write(toFile: configPath(id), atomically: true, encoding: .utf8)
            let formatted = try Command.run(
                [executable, "storage", "format", "--cluster-id", clusterID, "--config", configPath(id)], timeout: .seconds(30))
            guard formatted.status == 0 else { throw QuorumTestError("format of node \(id) failed: \(formatted.standardError)") }
        }
    }

    var bootstrapServers: String { brokerIDs.map { "127.0.0.1:\(brokerPorts[$0]!)" }.joined(separator: ",") }

    func configPath(_ id: Int32) -> String { "\(root)/node-\(id).properties" }
    func logPath(_ id: Int32) -> String { "\(root)/node-\(id).log" }
    func log(_ id: Int32) -> String { (try? String(contentsOfFile: logPath(id), encoding: .utf8)) ?? "" }
    func isRunning(_ id: Int32) -> Bool { processes[id]?.isRunning == true }

    func start(_ id: Int32) throws {
        processes[id] = try ChildProcess.spawn(ChildProcessOptions(
            [executable, "server-start", "--config", configPath(id)],
            standardOutput: .file(logPath(id), append: true), standardError: .standardOutput))
    }

    func startAll() throws {
        for id in Set(controllerIDs + brokerIDs).sorted() { try start(id) }
    }

    func kill9(_ id: Int32) {
        guard let process = processes.removeValue(forKey: id) else { return }
        process.stop(signal: SIGKILL, grace: .seconds(30))
    }

    /// SIGTERM, then the exit status once the process has exited within `timeout` (nil if it has not).
    func terminate(_ id: Int32, timeout: Duration = .seconds(30)) async throws -> ChildProcess.ExitStatus? {
        guard let process = processes[id] else { return nil }
        process.signal(SIGTERM)
        guard let status = await process.exit(timeout: timeout) else { return nil }
        processes[id] = nil
        return status
    }

    func stopAll() {
        for id in processes.keys.sorted() { kill9(id) }
        try? FileManager.default.removeItem(atPath: root)
    }

    /// The end of every node's log, for a failure message.
    func logTails() -> String {
        (controllerIDs + brokerIDs).map { "--- node \($0)\n" + String(log($0).suffix(3_000)) }.joined(separator: "\n")
    }
}

enum FreePort {
    static func find() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw QuorumTestError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

extension KRaftClusterProcesses {
    /// DescribeQuorum v0 at controller `id`: the leader answers with its view (error 0, voters' log end
    /// offsets, high watermark); a follower answers NOT_LEADER_OR_FOLLOWER naming the leader and epoch it
    /// knows. nil when the controller does not answer.
    func describeQuorum(_ id: Int32) async -> DescribeQuorumResponse.PartitionData? {
        guard controllerIDs.contains(id), let port = ports[id] else { return nil }
        return try? await withClosing(try await KafkaConnection.connect(host: "127.0.0.1", port: port, timeout: .seconds(2))) {
            let response = try await $0.send(RaftWireCodec.describeQuorumRequest(), version: 0, timeout: .seconds(2))
            return response.topics.first?.partitions.first
        }
    }

    /// The active controller as the running controllers agree on it: (id, epoch) of a controller that answers
    /// DescribeQuorum as leader, or nil while none does.
    func activeController(among ids: [Int32]) async -> (id: Int32, epoch: Int32)? {
        for id in ids where isRunning(id) {
            if let view = await describeQuorum(id), view.errorCode == 0, view.leaderId == id { return (id, view.leaderEpoch) }
        }
        return nil
    }
}
