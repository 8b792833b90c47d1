import Foundation
import KafkaTestKit
import Testing

/// Topic administration against 3 ZKafka brokers: `zkafka topics` (create, list, describe, delete,
/// errors), CreateTopics from kafka-python and confluent-kafka, DescribeConfigs, and the znodes the
/// admin path writes (`/brokers/topics/<t>`, `/config/topics/<t>`, `/admin/delete_topics/<t>`).
@Suite(.tags(.cluster), .requiresZooKeeper, .cluster, .serialized, .timeLimit(.minutes(4)))
struct TopicAdministrationTests {
    private func topics(_ arguments: [String], timeout: Duration = .seconds(60)) throws -> CommandResult {
        let cluster = try RunningCluster.current
        return try Command.run(
            [try ZKafkaExecutable.path(), "topics", "--bootstrap-server", cluster.bootstrapServers] + arguments,
            timeout: timeout)
    }

    /// Runs a Python script with the system interpreter (which has kazoo, kafka-python and
    /// confluent-kafka) and decodes the JSON it prints last.
    private func python(_ script: String, _ arguments: [String], timeout: Duration = .seconds(60)) throws -> [String: Any] {
        let result = try Command.run(["/usr/bin/python3", "-c", script] + arguments, timeout: timeout)
        #expect(result.status == 0, "python failed: \(result.standardError)")
        let line = result.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "output: \(result.standardOutput)")
    }

    /// The data (JSON) of znodes, or NSNull for absent ones, read with kazoo.
    private func znodes(_ paths: [String]) throws -> [String: Any] {
        let script = """
            import json, sys
            from kazoo.client import KazooClient
            zk = KazooClient(hosts=sys.argv[1], timeout=15)
            zk.start(timeout=15)
            out = {}
            for path in sys.argv[2:]:
                if zk.exists(path):
                    data, _ = zk.get(path)
                    out[path] = json.loads(data.decode()) if data else {}
                else:
                    out[path] = None
            zk.stop()
            print(json.dumps(out))
            """
        return try python(script, [try RunningCluster.current.descriptor.zookeeper.connect] + paths)
    }

    @Test func create_threePartitionsRF3_describeShowsLeaderReplicasAndISR() throws {
        let create = try topics(["--create", "--topic", "orders", "--partitions", "3", "--replication-factor", "3"])
        #expect(create.status == 0, "create failed: \(create.standardError)")
        #expect(create.standardOutput.contains("Created topic orders."))

        let describe = try topics(["--describe", "--topic", "orders"])
        #expect(describe.status == 0, "describe failed: \(describe.standardError)")
        let lines = describe.standardOutput.split(separator: "\n").map(String.init)
        try #require(lines.count == 4, "describe printed: \(describe.standardOutput)")
        #expect(lines[0].hasPrefix("Topic: orders\tPartitionCount: 3\tReplicationFactor: 3\tConfigs:"))
        var leaders: [Int] = []
        for (index, line) in lines.dropFirst().enumerated() {
            let fields = Dictionary(
                line.split(separator: "\t").compactMap { field -> (String, String)? in
                    let parts = field.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    return parts.count == 2 ? (parts[0], parts[1]) : nil
                }, uniquingKeysWith: { a, _ in a })
            #expect(fields["Topic"] == "orders")
            #expect(fields["Partition"] == String(index))
            let replicas = (fields["Replicas"] ?? "").split(separator: ",").compactMap { Int($0) }
            let isr = (fields["Isr"] ?? "").split(separator: ",").compactMap { Int($0) }
            #expect(Set(replicas) == [1, 2, 3], "line: \(line)")
            #expect(Set(isr) == [1, 2, 3], "line: \(line)")
            let leader = try #require(Int(fields["Leader"] ?? ""), "no leader in: \(line)")
            #expect(leader == replicas.first, "the preferred (first) replica leads a new partition: \(line)")
            leaders.append(leader)
        }
        // Kafka's placement starts each partition's replica list at the next broker: each leads one.
        #expect(Set(leaders) == [1, 2, 3])

        let list = try topics(["--list"])
        #expect(list.status == 0)
        #expect(list.standardOutput.split(separator: "\n").contains("orders"))
    }

    @Test func create_writesKafkasAssignmentAndConfigZNodes() throws {
        let create = try topics([
            "--create", "--topic", "shape", "--partitions", "6", "--replication-factor", "2", "--config", "retention.ms=1000",
        ])
        #expect(create.status == 0, "create failed: \(create.standardError)")
        let nodes = try znodes(["/brokers/topics/shape", "/config/topics/shape"])
        let topic = try #require(nodes["/brokers/topics/shape"] as? [String: Any])
        #expect(topic["version"] as? Int == 3)
        #expect((topic["topic_id"] as? String)?.count == 22)
        let partitions = try #require(topic["partitions"] as? [String: [Int]])
        let assignment = (0..<6).map { partitions[String($0)] ?? [] }
        // Some random start index and shift of Kafka's rack-unaware algorithm yields exactly this.
        let candidates = (0..<3).flatMap { start in (0..<3).map { shift in Self.kafkaAssignment(6, 2, start, shift) } }
        #expect(candidates.contains(assignment), "assignment \(assignment) is not Kafka's rack-unaware placement")
        let config = try #require(nodes["/config/topics/shape"] as? [String: Any])
        #expect(config["version"] as? Int == 1)
        #expect((config["config"] as? [String: String]) == ["retention.ms": "1000"])

        let describe = try topics(["--describe", "--topic", "shape"])
        #expect(describe.standardOutput.hasPrefix("Topic: shape\tPartitionCount: 6\tReplicationFactor: 2\tConfigs: retention.ms=1000"),
                "describe printed: \(describe.standardOutput)")
    }

    /// `AdminUtils.assignReplicasToBrokers` over brokers 1, 2, 3 (rack-unaware), written out independently.
    private static func kafkaAssignment(_ partitions: Int, _ replicationFactor: Int, _ start: Int, _ initialShift: Int) -> [[Int]] {
        let brokers = [1, 2, 3]
        var shift = initialShift
        return (0..<partitions).map { partition in
            if partition > 0 && partition % brokers.count == 0 { shift += 1 }
            let first = (partition + start) % brokers.count
            return [brokers[first]] + (0..<(replicationFactor - 1)).map { j in
                brokers[(first + 1 + (shift + j) % (brokers.count - 1)) % brokers.count]
            }
        }
    }

    @Test func create_errors_nameTheProblemAndExit1() throws {
        let first = try topics(["--create", "--topic", "twice", "--partitions", "1", "--replication-factor", "1"])
        #expect(first.status == 0, "create failed: \(first.standardError)")

        let again = try topics(["--create", "--topic", "twice", "--partitions", "1", "--replication-factor", "1"])
        #expect(again.status == 1)
        #expect(again.standardError.contains("Topic 'twice' already exists."), "stderr: \(again.standardError)")
        let quiet = try topics(["--create", "--topic", "twice", "--partitions", "1", "--replication-factor", "1", "--if-not-exists"])
        #expect(quiet.status == 0, "stderr: \(quiet.standardError)")

        let tooMany = try topics(["--create", "--topic", "wide", "--partitions", "1", "--replication-factor", "4"])
        #expect(tooMany.status == 1)
        #expect(tooMany.standardError.contains("Replication factor: 4 larger than available brokers: 3."), "stderr: \(tooMany.standardError)")

        let badName = try topics(["--create", "--topic", "bad/name", "--partitions", "1", "--replication-factor", "1"])
        #expect(badName.status == 1)
        #expect(badName.standardError.contains("illegal"), "stderr: \(badName.standardError)")

        let badConfig = try topics(["--create", "--topic", "configured", "--partitions", "1", "--replication-factor", "1", "--config", "no.such.config=1"])
        #expect(badConfig.status == 1)
        #expect(badConfig.standardError.contains("Unknown topic config name: no.such.config"), "stderr: \(badConfig.standardError)")

        let unknown = try topics(["--describe", "--topic", "never-created"])
        #expect(unknown.status == 1)
        #expect(unknown.standardError.contains("never-created"), "stderr: \(unknown.standardError)")

        let refused = try Command.run(
            [try ZKafkaExecutable.path(), "topics", "--bootstrap-server", "127.0.0.1:1", "--list"], timeout: .seconds(30))
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("Could not connect to any bootstrap server: 127.0.0.1:1"), "stderr: \(refused.standardError)")

        // None of the refused topics reached ZooKeeper.
        let nodes = try znodes(["/brokers/topics/wide", "/brokers/topics/configured", "/config/topics/configured"])
        #expect(nodes.values.allSatisfy { $0 is NSNull }, "znodes: \(nodes)")
    }

    @Test func kafkaPythonAndConfluentKafka_createTopics_appearInKcatWithLeaders() throws {
        let cluster = try RunningCluster.current
        let kafkaPython = """
            import json, sys
            from kafka import KafkaAdminClient
            from kafka.admin import ConfigResource, NewTopic
            admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], request_timeout_ms=30000)
            response = admin.create_topics([NewTopic(name="from-kafka-python", num_partitions=2, replication_factor=3)])
            errors = [list(t)[:2] for t in response.topic_errors]
            configs = admin.describe_configs([ConfigResource("TOPIC", "from-kafka-python")])
            names = sorted(c[0] for c in configs[0].resources[0][4])
            admin.close()
            print(json.dumps({"errors": errors, "configs": names}))
            """
        let created = try python(kafkaPython, [cluster.bootstrapServers])
        #expect((created["errors"] as? [[Any]])?.first?[1] as? Int == 0, "kafka-python: \(created)")
        let configNames = created["configs"] as? [String] ?? []
        #expect(configNames.contains("retention.ms") && configNames.contains("cleanup.policy"), "configs: \(configNames)")

        let confluent = """
            import json, sys
            from confluent_kafka.admin import AdminClient, NewTopic
            admin = AdminClient({"bootstrap.servers": sys.argv[1]})
            futures = admin.create_topics([NewTopic("from-confluent-kafka", num_partitions=3, replication_factor=2)], operation_timeout=20)
            futures["from-confluent-kafka"].result(timeout=40)
            print(json.dumps({"created": True}))
            """
        let confluentResult = try python(confluent, [cluster.bootstrapServers])
        #expect(confluentResult["created"] as? Bool == true)

        for (name, partitions, replicationFactor) in [("from-kafka-python", 2, 3), ("from-confluent-kafka", 3, 2)] {
            let kcat = try Command.run(
                ["/usr/bin/kcat", "-b", cluster.bootstrapServers, "-L", "-J", "-t", name, "-m", "15"], timeout: .seconds(30))
            #expect(kcat.status == 0, "kcat failed: \(kcat.standardError)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(kcat.standardOutput.utf8)) as? [String: Any])
            let topic = try #require((json["topics"] as? [[String: Any]])?.first { $0["topic"] as? String == name })
            let described = try #require(topic["partitions"] as? [[String: Any]], "kcat: \(kcat.standardOutput)")
            #expect(described.count == partitions)
            for partition in described {
                #expect((1...3).contains(partition["leader"] as? Int ?? -1), "no leader: \(partition)")
                #expect((partition["replicas"] as? [[String: Any]])?.count == replicationFactor)
            }
        }
    }

    /// Only the active controller creates topics; another broker answers NOT_CONTROLLER (41) so the
    /// client retries against the controller named in Metadata.
    @Test func createTopics_sentToANonController_answersNotController() throws {
        let cluster = try RunningCluster.current
        let script = """
            import json, sys
            from kafka import KafkaAdminClient
            from kafka.client_async import KafkaClient
            from kafka.protocol.admin import CreateTopicsRequest_v0
            admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], request_timeout_ms=15000)
            controller = admin.describe_cluster()["controller_id"]
            admin.close()
            other = next(node for node in (1, 2, 3) if node != controller)
            client = KafkaClient(bootstrap_servers=sys.argv[1], request_timeout_ms=15000)
            client.poll(timeout_ms=1000)
            while not client.ready(other):
                client.poll(timeout_ms=200)
            future = client.send(other, CreateTopicsRequest_v0(create_topic_requests=[("not-by-me", 1, 1, [], [])], timeout=10000))
            client.poll(future=future, timeout_ms=15000)
            client.close()
            print(json.dumps({"controller": controller, "errors": [list(e) for e in future.value.topic_errors]}))
            """
        let result = try python(script, [cluster.bootstrapServers])
        #expect((1...3).contains(result["controller"] as? Int ?? -1))
        let errors = try #require(result["errors"] as? [[Any]], "output: \(result)")
        #expect(errors.first?.first as? String == "not-by-me")
        #expect(errors.first?.last as? Int == 41)
        let nodes = try znodes(["/brokers/topics/not-by-me"])
        #expect(nodes["/brokers/topics/not-by-me"] is NSNull)
    }

    /// The request that once wedged a broker (found by mutating frames): CreateTopics for 2^31 - 1 partitions,
    /// sent to the controller. It is refused at once with POLICY_VIOLATION naming max.partitions, nothing is
    /// written, and the cluster goes on answering and creating topics.
    @Test func createTopics_twoBillionPartitions_refusedNamingTheLimit_clusterKeepsWorking() throws {
        let cluster = try RunningCluster.current
        let script = """
            import json, sys
            from kafka import KafkaAdminClient
            from kafka.client_async import KafkaClient
            from kafka.protocol.admin import CreateTopicsRequest_v1
            admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], request_timeout_ms=15000)
            controller = admin.describe_cluster()["controller_id"]
            admin.close()
            client = KafkaClient(bootstrap_servers=sys.argv[1], request_timeout_ms=60000)
            client.poll(timeout_ms=1000)
            while not client.ready(controller):
                client.poll(timeout_ms=200)
            request = CreateTopicsRequest_v1(create_topic_requests=[
                ("two-billion", 2**31 - 1, 1, [], []),
                ("too-many-replicas", 1, 32767, [], []),
            ], timeout=10000, validate_only=False)
            future = client.send(controller, request)
            client.poll(future=future, timeout_ms=60000)
            client.close()
            print(json.dumps({"errors": [list(e) for e in future.value.topic_errors]}))
            """
        let result = try python(script, [cluster.bootstrapServers], timeout: .seconds(90))
        let errors = try #require(result["errors"] as? [[Any]], "output: \(result)")
        let byName = Dictionary(errors.compactMap { entry in (entry.first as? String).map { ($0, entry) } }, uniquingKeysWith: { a, _ in a })
        let huge = try #require(byName["two-billion"], "errors: \(errors)")
        #expect(huge[1] as? Int == 44, "POLICY_VIOLATION expected: \(huge)")
        #expect((huge.last as? String)?.contains("max.partitions") == true, "message: \(huge)")
        let replicas = try #require(byName["too-many-replicas"], "errors: \(errors)")
        #expect(replicas[1] as? Int == 38, "INVALID_REPLICATION_FACTOR expected: \(replicas)")
        let nodes = try znodes(["/brokers/topics/two-billion", "/config/topics/two-billion"])
        #expect(nodes.values.allSatisfy { $0 is NSNull }, "znodes: \(nodes)")

        // Every broker still answers, and the cluster still creates a topic that gets leaders.
        let create = try topics(["--create", "--topic", "after-two-billion", "--partitions", "3", "--replication-factor", "3"])
        #expect(create.status == 0, "create failed: \(create.standardError)")
        let kcat = try Command.run(
            ["/usr/bin/kcat", "-b", cluster.bootstrapServers, "-L", "-J", "-t", "after-two-billion", "-m", "15"], timeout: .seconds(30))
        #expect(kcat.status == 0, "kcat failed: \(kcat.standardError)")
        #expect(kcat.standardOutput.contains("\"leader\""))
    }

    @Test func delete_marksTheTopicInZooKeeper_unknownTopicFails() throws {
        let create = try topics(["--create", "--topic", "doomed", "--partitions", "1", "--replication-factor", "2"])
        #expect(create.status == 0, "create failed: \(create.standardError)")
        let delete = try topics(["--delete", "--topic", "doomed", "--timeout-ms", "1000"])
        #expect(delete.status == 0, "delete failed: \(delete.standardError)")
        #expect(delete.standardOutput.contains("doomed"))
        // Marked for deletion, or, where the controller already finished deleting, gone altogether.
        let nodes = try znodes(["/admin/delete_topics/doomed", "/brokers/topics/doomed"])
        #expect(!(nodes["/admin/delete_topics/doomed"] is NSNull) || nodes["/brokers/topics/doomed"] is NSNull, "znodes: \(nodes)")

        let unknown = try topics(["--delete", "--topic", "never-existed", "--timeout-ms", "1000"])
        #expect(unknown.status == 1)
        #expect(unknown.standardError.contains("never-existed"), "stderr: \(unknown.standardError)")
        let marker = try znodes(["/admin/delete_topics/never-existed"])
        #expect(marker["/admin/delete_topics/never-existed"] is NSNull)
    }
}
