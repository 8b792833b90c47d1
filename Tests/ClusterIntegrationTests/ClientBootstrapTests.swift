import Foundation
import KafkaTestKit
import Testing

/// Real Kafka clients bootstrap against ZKafka brokers started by `zkafka cluster up`: they
/// negotiate API versions and read the cluster's metadata (issue: wire protocol and network layer).
@Suite(.tags(.cluster), .requiresZooKeeper, .cluster, .serialized, .timeLimit(.minutes(4)))
struct ClientBootstrapTests {
    @Test func kcat_listsEveryBrokerAndTheController() throws {
        let cluster = try RunningCluster.current
        for broker in cluster.descriptor.brokers {
            let result = try Command.run(["/usr/bin/kcat", "-b", cluster.brokerAddress(broker.id), "-L", "-J", "-m", "15"], timeout: .seconds(30))
            #expect(result.status == 0, "kcat failed: \(result.standardError)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
            let brokers = try #require(json["brokers"] as? [[String: Any]])
            #expect(Set(brokers.compactMap { $0["id"] as? Int }) == [1, 2, 3])
            #expect(Set(brokers.compactMap { $0["name"] as? String }) == Set(cluster.descriptor.brokers.map { "\($0.host):\($0.port)" }))
            let controller = try #require(json["controllerid"] as? Int)
            #expect((1...3).contains(controller))
        }
    }

    @Test func kafkaPython_adminClient_describesTheCluster() throws {
        let cluster = try RunningCluster.current
        let script = """
            import json, sys
            from kafka import KafkaAdminClient
            admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], request_timeout_ms=15000)
            description = admin.describe_cluster()
            print(json.dumps({"brokers": sorted([b["node_id"], b["host"], b["port"]] for b in description["brokers"]),
                              "controller": description["controller_id"], "cluster": description["cluster_id"],
                              "version": list(admin.config["api_version"])}))
            admin.close()
            """
        let result = try Command.run(["/usr/bin/python3", "-c", script, cluster.brokerAddress(2)], timeout: .seconds(60))
        #expect(result.status == 0, "kafka-python failed: \(result.standardError)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let brokers = try #require(json["brokers"] as? [[Any]])
        #expect(brokers.compactMap { $0.first as? Int } == [1, 2, 3])
        #expect((1...3).contains(json["controller"] as? Int ?? -1))
        #expect((json["cluster"] as? String)?.count == 22)
        // kafka-python infers the broker version from our ApiVersions answer (Metadata v5 → 1.0).
        let version = try #require(json["version"] as? [Int])
        #expect(version.count == 3 && version[0] >= 1)
    }

    @Test func confluentKafka_adminClient_listsBrokers() throws {
        let cluster = try RunningCluster.current
        let script = """
            import json, sys
            from confluent_kafka.admin import AdminClient
            admin = AdminClient({"bootstrap.servers": sys.argv[1]})
            metadata = admin.list_topics(timeout=20)
            print(json.dumps({"brokers": sorted([b.id, b.host, b.port] for b in metadata.brokers.values()),
                              "controller": metadata.controller_id, "cluster": metadata.cluster_id}))
            """
        let result = try Command.run(["/usr/bin/python3", "-c", script, cluster.bootstrapServers], timeout: .seconds(60))
        #expect(result.status == 0, "confluent-kafka failed: \(result.standardError)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let brokers = try #require(json["brokers"] as? [[Any]])
        #expect(brokers.compactMap { $0.first as? Int } == [1, 2, 3])
        let ports = brokers.compactMap { $0.last as? Int }
        #expect(Set(ports) == Set(cluster.descriptor.brokers.map(\.port)))
        #expect((1...3).contains(json["controller"] as? Int ?? -1))
    }

    /// Garbage, an oversized frame and an unknown API key each close only the offending connection;
    /// the broker keeps serving real clients.
    @Test func hostileFrames_closeOnlyThatConnection() throws {
        let cluster = try RunningCluster.current
        let broker = cluster.descriptor.brokers[0]
        let frames: [[UInt8]] = [
            Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8),             // a size of ~1.2 GB: oversized
            [0xFF, 0xFF, 0xFF, 0xF0],                                       // negative size
            [0, 0, 0, 12, 0x7F, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0],        // unknown API key 32639
            [0, 0, 0, 10, 0, 3, 0, 1, 0, 0, 0, 7, 0xFF, 0xFF],              // Metadata v1, truncated body
        ]
        for frame in frames {
            #expect(try RawSocket.sendAndWaitForClose(host: broker.host, port: broker.port, bytes: frame, timeout: .seconds(10)),
                    "broker kept a connection open after \(frame.prefix(8))")
        }
        let result = try Command.run(["/usr/bin/kcat", "-b", cluster.brokerAddress(broker.id), "-L", "-J", "-m", "15"], timeout: .seconds(30))
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("\"brokers\""))
    }

    /// Issue 4: the controller's state and per-state event statistics are exposed live, on each
    /// broker's `/metrics` endpoint (address from the broker's log).
    @Test func metricsEndpoint_exposesControllerStateAndStatistics() async throws {
        let cluster = try RunningCluster.current
        var active: [Int] = []
        for broker in cluster.descriptor.brokers {
            let text = try DataPlane.metrics(cluster, broker: broker.id)
            #expect(text.contains("kafka_controller_KafkaController_ControllerState{broker=\"\(broker.id)\"}"))
            #expect(text.contains("kafka_server_ReplicaManager_PartitionCount{broker=\"\(broker.id)\"}"))
            #expect(text.contains("kafka_network_RequestMetrics_TotalTimeMs_count{broker=\"\(broker.id)\",request=\"UpdateMetadata\"}"), "every broker hears UpdateMetadata from the controller")
            if DataPlane.sample(text, "kafka_controller_KafkaController_ActiveControllerCount") == 1 {
                active.append(broker.id)
                // The active controller processed at least its own election (ControllerChange state).
                let elections = DataPlane.sample(text, "kafka_controller_ControllerStats_ControllerChangeRateAndTimeMs_count") ?? 0
                #expect(elections >= 1, "broker \(broker.id) timed \(elections) ControllerChange events")
                #expect(DataPlane.sample(text, "kafka_controller_KafkaController_OfflinePartitionsCount") == 0)
            }
        }
        #expect(active.count == 1, "exactly one broker reports itself active controller: \(active)")
    }
}

/// A plain blocking TCP client for sending raw bytes.
enum RawSocket {
    /// Sends one size-prefixed frame and returns the first response frame's body (without its size).
    static func request(host: String, port: Int, frame: [UInt8], timeout: Duration) throws -> [UInt8]? {
        guard let fd = connected(host: host, port: port, timeout: timeout) else { return nil }
        defer { close(fd) }
        _ = frame.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if received.count >= 4 {
                let size = Int(received[0]) << 24 | Int(received[1]) << 16 | Int(received[2]) << 8 | Int(received[3])
                if received.count >= 4 + size { return Array(received[4..<(4 + size)]) }
            }
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            received += buffer[0..<count]
        }
    }

    private static func connected(host: String, port: Int, timeout: Duration) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else {
            close(fd)
            return nil
        }
        var seconds = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// Sends `bytes` and returns true once the peer closes the connection within `timeout`.
    static func sendAndWaitForClose(host: String, port: Int, bytes: [UInt8], timeout: Duration) throws -> Bool {
        guard let fd = connected(host: host, port: port, timeout: timeout) else { return false }
        defer { close(fd) }
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count == 0 { return true }       // orderly close
            if count < 0 { return errno == ECONNRESET }  // reset counts as closed; a timeout does not
        }
    }

}
