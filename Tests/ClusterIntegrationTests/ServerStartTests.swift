import Foundation
import KafkaTestKit
import Testing

/// `zkafka server-start` as a user meets it: bad configuration is refused naming the key and
/// the value, and SIGTERM stops a broker cleanly (it deregisters from ZooKeeper).
@Suite(.tags(.cluster), .timeLimit(.minutes(5)))
struct ServerStartConfigurationTests {
    private func withConfig(_ text: String, _ body: (String) throws -> Void) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("zkafka-\(UUID()).properties").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try body(path)
    }

    @Test(arguments: [
        ("broker.id=1\nzookeeper.connect=127.0.0.1:1\nnum.io.threads=lots\n", "invalid value 'lots' for configuration 'num.io.threads'"),
        ("broker.id=1\n", "missing required configuration 'zookeeper.connect'"),
        ("broker.id=1\nzookeeper.connect=127.0.0.1:1\nlisteners=PLAINTEXT://h:99999\n", "invalid port '99999'"),
        ("zookeeper.connect=127.0.0.1:1\n", "missing required configuration 'broker.id'"),
    ])
    func badConfiguration_isRefusedNamingKeyAndValue(config: String, expected: String) throws {
        try withConfig(config) { path in
            let result = try Command.run([try ZKafkaExecutable.path(), "server-start", path], timeout: .seconds(30))
            #expect(result.status != 0)
            #expect((result.standardError + result.standardOutput).contains(expected), "output: \(result.standardError)")
        }
    }

    @Test func missingFile_andBadOverride_areRefused() throws {
        let missing = try Command.run([try ZKafkaExecutable.path(), "server-start", "/nonexistent/server.properties"], timeout: .seconds(30))
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("cannot read configuration file /nonexistent/server.properties"))
        try withConfig("broker.id=1\nzookeeper.connect=127.0.0.1:1\n") { path in
            let result = try Command.run([try ZKafkaExecutable.path(), "server-start", path, "--override", "novalue"], timeout: .seconds(30))
            #expect(result.status != 0)
            #expect(result.standardError.contains("malformed --override 'novalue'"))
        }
    }
}

@Suite(.tags(.cluster), .requiresZooKeeper, .cluster, .serialized, .timeLimit(.minutes(3)))
struct ServerLifecycleTests {
    /// ApiVersions at a version the broker does not implement gets Kafka's KIP-511 answer: a v0
    /// body with UNSUPPORTED_VERSION and the ApiVersions range, so the client can retry lower.
    @Test func apiVersions_atAnUnsupportedVersion_getsTheV0FallbackAnswer() throws {
        let cluster = try RunningCluster.current
        let broker = cluster.descriptor.brokers[1]
        // ApiVersions v9, correlation id 42, client id "t", empty flexible body (tag buffer 0).
        let request: [UInt8] = [0, 18, 0, 9, 0, 0, 0, 42, 0, 1, UInt8(ascii: "t"), 0, 0, 0]
        let frame = [0, 0, 0, UInt8(request.count)] + request
        let response = try #require(try RawSocket.request(host: broker.host, port: broker.port, frame: frame, timeout: .seconds(10)))
        // correlation id, error code 35, array of 1 entry {18, 0, 3}.
        #expect(Array(response.prefix(4)) == [0, 0, 0, 42])
        #expect(Array(response.dropFirst(4).prefix(2)) == [0, 35])
        #expect(Array(response.dropFirst(6)) == [0, 0, 0, 1, 0, 18, 0, 0, 0, 3])
    }

    /// SIGTERM: the broker shuts down, its registration disappears at once, and the others stay.
    @Test func sigterm_stopsTheBrokerCleanly_andItDeregisters() throws {
        let cluster = try RunningCluster.current
        try cluster.cluster.kill(.broker(3), signal: .term)
        let log = try String(contentsOfFile: cluster.descriptor.brokers[2].log, encoding: .utf8)
        #expect(log.contains("[KafkaServer id=3] shut down completed"))
        // The controller tells the other brokers asynchronously (BrokerChange → UpdateMetadata); poll
        // well within the 6 s session timeout, which a crash would have had to wait out.
        func listedBrokerIDs() throws -> Set<Int> {
            let listed = try Command.run(["/usr/bin/kcat", "-b", cluster.brokerAddress(1), "-L", "-J", "-m", "15"], timeout: .seconds(30))
            guard listed.status == 0,
                let json = try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [String: Any]
            else { return [] }
            return Set((json["brokers"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int })
        }
        var ids: Set<Int> = []
        try pollUntilBlocking(
            "a cleanly stopped broker leaves the metadata without waiting for a session timeout; listed \(ids)",
            timeout: .seconds(5), every: .milliseconds(200)
        ) {
            ids = try listedBrokerIDs()
            return ids == [1, 2]
        }
        try cluster.cluster.start(.broker(3))
    }
}
