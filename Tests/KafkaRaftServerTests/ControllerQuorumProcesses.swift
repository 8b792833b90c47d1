import ChildProcess
import Foundation
import KafkaClient
import KafkaRaftProtocol
import KafkaTestKit

/// Three `zkafka server-start` controller processes on free loopback ports, with formatted temp
/// dirs. `stopAll` kills every process still running and removes the directory.
final class ControllerQuorumProcesses: @unchecked Sendable {
    let root: String
    let ports: [Int32: Int]
    private let executable: String
    private var processes: [Int32: ChildProcess] = [:]

    let clusterID: String

    /// `extraConfig`: more server.properties lines for every controller.
    init(ids: [Int32] = [1, 2, 3], extraConfig: [String] = []) throws {
        executable = try ZKafkaExecutable.path()
        root = NSTemporaryDirectory() + "kraft-quorum-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        var ports: [Int32: Int] = [:]
        for id in ids { ports[id] = try FreePort.find() }
        self.ports = ports
        let voters = ids.map { "\($0)@127.0.0.1:\(ports[$0]!)" }.joined(separator: ",")
        clusterID = try Command.run([executable, "storage", "random-uuid"], timeout: .seconds(30))
            .standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        for id in ids {
            let config = """
                process.roles=controller
                node.id=\(id)
                controller.quorum.voters=\(voters)
                controller.listener.names=CONTROLLER
                listeners=CONTROLLER://127.0.0.1:\(ports[id]!)
                log.dirs=\(root)/data-\(id)

                """ + extraConfig.joined(separator: "\n")
            try config.write(toFile: configPath(id), atomically: true, encoding: .utf8)
            let formatted = try Command.run(
                [executable, "storage", "format", "--cluster-id", clusterID, "--config", configPath(id)], timeout: .seconds(30))
            guard formatted.status == 0 else { throw QuorumTestError("format failed: \(formatted.standardError)") }
        }
    }

    func configPath(_ id: Int32) -> String { "\(root)/controller-\(id).properties" }
    func logPath(_ id: Int32) -> String { "\(root)/controller-\(id).log" }
    func dataPath(_ id: Int32) -> String { "\(root)/data-\(id)" }
    var runningIDs: [Int32] { processes.keys.sorted() }

    func start(_ id: Int32) throws {
        processes[id] = try ChildProcess.spawn(ChildProcessOptions(
            [executable, "server-start", "--config", configPath(id)],
            standardOutput: .file(logPath(id), append: true), standardError: .standardOutput))
    }

    func signal(_ id: Int32, _ signal: Int32) {
        guard let process = processes[id] else { return }
        process.signal(signal)
        if signal == SIGKILL {
            _ = process.wait(timeout: .seconds(30))
            processes[id] = nil
        }
    }

    /// SIGTERM, then the exit status once the process has exited within `timeout` (nil if it has not).
    func terminate(_ id: Int32, timeout: Duration = .seconds(10)) async throws -> ChildProcess.ExitStatus? {
        guard let process = processes[id] else { return nil }
        process.signal(SIGTERM)
        guard let status = await process.exit(timeout: timeout) else { return nil }
        processes[id] = nil
        return status
    }

    func stopAll() {
        for id in processes.keys.sorted() { processes[id]!.stop(signal: SIGKILL, grace: .seconds(10)) }
        processes = [:]
        try? FileManager.default.removeItem(atPath: root)
    }

    /// DescribeQuorum v0 at one controller: its partition view (a non-leader answers with an error
    /// code and the leader it knows), or nil when it does not answer.
    func describe(_ id: Int32) async -> DescribeQuorumResponse.PartitionData? {
        guard let port = ports[id] else { return nil }
        return try? await withClosing(try await KafkaConnection.connect(host: "127.0.0.1", port: port, timeout: .seconds(2))) {
            let response = try await $0.send(RaftWireCodec.describeQuorumRequest(), version: 0, timeout: .seconds(2))
            return response.topics.first?.partitions.first
        }
    }

    /// The Prometheus text of controller `id`'s `/metrics` (its address is in the controller's log).
    func metrics(_ id: Int32) throws -> String {
        let log = try String(contentsOfFile: logPath(id), encoding: .utf8)
        guard let line = log.split(separator: "\n").last(where: { $0.contains("Metrics endpoint listening on ") }) else {
            throw QuorumTestError("controller \(id) logged no metrics endpoint")
        }
        let url = String(line[line.range(of: "http://")!.lowerBound...]).trimmingCharacters(in: .whitespaces)
        let result = try Command.run(
            ["/usr/bin/python3", "-c", "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())", url],
            timeout: .seconds(30))
        guard result.status == 0 else { throw QuorumTestError("GET \(url) failed: \(result.standardError)") }
        return result.standardOutput
    }

    /// Every controller's log, for a failure message.
    func logs() -> String {
        processes.keys.sorted().map { id in
            "--- controller \(id)\n" + ((try? String(contentsOfFile: logPath(id), encoding: .utf8)) ?? "")
        }.joined(separator: "\n")
    }
}

extension KafkaConnection: AsyncClosable {}
