import Foundation
import KafkaTestKit
import Testing

/// `zkafka server-start` with `process.roles`, as a user meets it before the node runs: an
/// unformatted node and a configuration mixing both modes are refused with a clear message.
@Suite(.tags(.cluster), .timeLimit(.minutes(2)))
struct KRaftServerStartTests {
    private func withConfig(_ extra: String, _ body: (_ path: String, _ root: String) throws -> Void) throws {
        let root = NSTemporaryDirectory() + "kraft-start-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/controller.properties"
        let text = """
            process.roles=controller
            node.id=1
            controller.quorum.voters=1@127.0.0.1:1
            controller.listener.names=CONTROLLER
            listeners=CONTROLLER://127.0.0.1:0
            log.dirs=\(root)/data
            \(extra)
            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try body(path, root)
    }

    @Test func unformattedNode_refusesToStart() throws {
        try withConfig("") { path, root in
            let result = try Command.run([try ZKafkaExecutable.path(), "server-start", "--config", path], timeout: .seconds(30))
            #expect(result.status != 0)
            #expect((result.standardOutput + result.standardError).contains(
                "No meta.properties found in \(root)/data (have you run `zkafka storage format`?)"))
        }
    }

    @Test func zooKeeperConnectWithProcessRoles_isRefused() throws {
        try withConfig("zookeeper.connect=127.0.0.1:2181") { path, _ in
            let result = try Command.run([try ZKafkaExecutable.path(), "server-start", path], timeout: .seconds(30))
            #expect(result.status != 0)
            #expect(result.standardError.contains("configuration 'zookeeper.connect'"))
        }
    }

    @Test func formatWithoutProcessRoles_isRefusedAsLegacy() throws {
        let path = NSTemporaryDirectory() + "legacy-\(UUID().uuidString).properties"
        try "broker.id=1\nzookeeper.connect=127.0.0.1:2181\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try Command.run(
            [try ZKafkaExecutable.path(), "storage", "format", "--cluster-id", "AAAAAAAAAAAAAAAAAAAAAQ", "--config", path],
            timeout: .seconds(30))
        #expect(result.status != 0)
        #expect(result.standardError.contains("appears to be for a legacy cluster"))
    }
}
