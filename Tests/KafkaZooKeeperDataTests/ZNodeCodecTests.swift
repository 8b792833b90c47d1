import KafkaModel
import Testing
@testable import KafkaZooKeeperData

@Suite(.tags(.unit)) struct ZNodeCodecTests {
    @Test func brokerRegistration_isVersion5AsKafkaWritesIt() throws {
        let registration = BrokerRegistrationZNode(
            id: 1,
            endpoints: [
                BrokerEndpoint(listenerName: "PLAINTEXT", host: "b1.example.com", port: 9092, securityProtocol: "PLAINTEXT"),
                BrokerEndpoint(listenerName: "INTERNAL", host: "10.0.0.1", port: 9093, securityProtocol: "PLAINTEXT"),
            ],
            rack: "us-east-1a", timestamp: 1_662_105_600_123)
        let json = String(decoding: registration.encode(), as: UTF8.self)
        #expect(json == #"{"version":5,"host":"b1.example.com","port":9092,"jmx_port":-1,"timestamp":"1662105600123","endpoints":["PLAINTEXT://b1.example.com:9092","INTERNAL://10.0.0.1:9093"],"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT","INTERNAL":"PLAINTEXT"},"rack":"us-east-1a","features":{}}"#)
        #expect(try BrokerRegistrationZNode.decode(id: 1, data: registration.encode()) == registration)
    }

    @Test func brokerRegistration_decodesKafkasOwnJSONIncludingOlderVersions() throws {
        let kafka = #"{"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT","SSL":"SSL"},"endpoints":["PLAINTEXT://[::1]:9092","SSL://b1:9093"],"jmx_port":9999,"host":"::1","timestamp":"1662105600123","port":9092,"version":5}"#
        let decoded = try BrokerRegistrationZNode.decode(id: 7, data: Array(kafka.utf8))
        #expect(decoded.endpoints == [
            BrokerEndpoint(listenerName: "PLAINTEXT", host: "::1", port: 9092, securityProtocol: "PLAINTEXT"),
            BrokerEndpoint(listenerName: "SSL", host: "b1", port: 9093, securityProtocol: "SSL"),
        ])
        #expect(decoded.jmxPort == 9999)
        #expect(decoded.timestamp == 1_662_105_600_123)
        let version1 = #"{"jmx_port":-1,"timestamp":"1","host":"old","version":1,"port":9092}"#
        #expect(try BrokerRegistrationZNode.decode(id: 2, data: Array(version1.utf8)).endpoints
            == [BrokerEndpoint(listenerName: "PLAINTEXT", host: "old", port: 9092, securityProtocol: "PLAINTEXT")])
    }

    @Test func controller_andEpoch_andClusterID() throws {
        let controller = ControllerZNode(brokerID: 2, timestamp: 1_662_105_600_123)
        #expect(String(decoding: controller.encode(), as: UTF8.self) == #"{"version":1,"brokerid":2,"timestamp":"1662105600123"}"#)
        #expect(try ControllerZNode.decode(Array(#"{"version":2,"brokerid":3,"timestamp":"5","kraftControllerEpoch":-1}"#.utf8)).brokerID == 3)
        #expect(ControllerEpochZNode.encode(7) == Array("7".utf8))
        #expect(try ControllerEpochZNode.decode(Array("12".utf8)) == 12)
        #expect(String(decoding: ClusterIDZNode.encode("Wq3Qc2tJT4S8i3x3bWm6dA"), as: UTF8.self) == #"{"version":"1","id":"Wq3Qc2tJT4S8i3x3bWm6dA"}"#)
        #expect(try ClusterIDZNode.decode(ClusterIDZNode.encode("abc")) == "abc")
    }

    @Test func topicAssignment_version3_withReassignmentFields() throws {
        let topic = TopicZNode(
            topic: "foo", topicID: "Hx6Xq8rLTd2J3kGtN6wC0Q",
            partitions: [
                0: ReplicaAssignment(replicas: [4, 2, 3, 1], addingReplicas: [4], removingReplicas: [1]),
                1: ReplicaAssignment(replicas: [2, 3, 1]),
            ])
        let json = String(decoding: topic.encode(), as: UTF8.self)
        #expect(json == #"{"version":3,"topic_id":"Hx6Xq8rLTd2J3kGtN6wC0Q","partitions":{"0":[4,2,3,1],"1":[2,3,1]},"adding_replicas":{"0":[4]},"removing_replicas":{"0":[1]}}"#)
        #expect(try TopicZNode.decode(topic: "foo", data: topic.encode()) == topic)
        // Old admin tools wrote version 1 without the reassignment fields (the controller must accept it).
        let legacy = try TopicZNode.decode(topic: "t", data: Array(#"{"version":1,"partitions":{"0":[1,2],"1":[2,1]}}"#.utf8))
        #expect(legacy.partitions[1] == ReplicaAssignment(replicas: [2, 1]))
        #expect(legacy.topicID == nil)
    }

    @Test func partitionState_carriesTheZnodeVersionAsZKVersion() throws {
        let state = LeaderISRAndControllerEpoch(
            leaderAndISR: LeaderAndISR(leader: 1, leaderEpoch: 12, isr: [1, 3], zkVersion: 4), controllerEpoch: 5)
        #expect(String(decoding: TopicPartitionStateZNode.encode(state), as: UTF8.self)
            == #"{"controller_epoch":5,"leader":1,"version":1,"leader_epoch":12,"isr":[1,3]}"#)
        let decoded = try TopicPartitionStateZNode.decode(
            TopicPartition(topic: "foo", partition: 0), data: TopicPartitionStateZNode.encode(state), zkVersion: 4)
        #expect(decoded == state)
    }

    @Test func adminNotifications_roundTrip() throws {
        let partitions = [TopicPartition(topic: "foo", partition: 0), TopicPartition(topic: "bar", partition: 3)]
        #expect(String(decoding: PartitionListZNode.encode(partitions), as: UTF8.self)
            == #"{"version":1,"partitions":[{"topic":"foo","partition":0},{"topic":"bar","partition":3}]}"#)
        #expect(try PartitionListZNode.decode(PartitionListZNode.encode(partitions), path: "/p") == partitions)
        let reassignment = [TopicPartition(topic: "foo", partition: 0): [Int32(4), 2, 3]]
        #expect(String(decoding: ReassignPartitionsZNode.encode(reassignment), as: UTF8.self)
            == #"{"version":1,"partitions":[{"topic":"foo","partition":0,"replicas":[4,2,3]}]}"#)
        #expect(try ReassignPartitionsZNode.decode(ReassignPartitionsZNode.encode(reassignment)) == reassignment)
        #expect(ZNodePaths.partitionState("foo", 2) == "/brokers/topics/foo/partitions/2/state")
    }

    @Test(arguments: [
        ("", ZNodeDataError.empty(path: "/brokers/topics/t")),
        ("{", .malformed(path: "/brokers/topics/t", reason: "expected a key at byte 1 in {")),
        (#"{"version":3}"#, .malformed(path: "/brokers/topics/t", reason: "missing field 'partitions'")),
        (#"{"version":3,"partitions":{"x":[1]}}"#, .malformed(path: "/brokers/topics/t", reason: "partition id 'x' is not a non-negative integer")),
        (#"{"version":3,"partitions":{"0":[1.5]}}"#, .malformed(path: "/brokers/topics/t", reason: "only whole numbers are expected at byte 33 in {\"version\":3,\"partitions\":{\"0\":[1.5]}}")),
        (#"{"version":3,"partitions":{"0":["a"]}}"#, .malformed(path: "/brokers/topics/t", reason: "field 'partitions.0' is not a whole number")),
        (#"[1]"#, .malformed(path: "/brokers/topics/t", reason: "expected a JSON object")),
    ])
    func badZnodeData_isRejectedNamingTheZnode(text: String, expected: ZNodeDataError) {
        #expect(throws: expected) { try TopicZNode.decode(topic: "t", data: Array(text.utf8)) }
    }

    @Test func jsonParser_handlesEscapesAndUnicode() throws {
        let fields = try JSONText.object(Array(#"{"a":"x\"y\\z\u00e9\ud83d\ude00","b":-42,"c":[true,false,null]}"#.utf8), path: "/p")
        #expect(try fields.string("a") == "x\"y\\zé😀")
        #expect(try fields.int("b") == -42)
        #expect(String(decoding: JSONText.encode(.string("q\"\n\u{01}")), as: UTF8.self) == #""q\"\n\u0001""#)
    }
}

@Suite(.tags(.unit)) struct LogDirEventNotificationZNodeTests {
    @Test func encodesKafkasJSON_andDecodesTheBrokerID() throws {
        #expect(String(decoding: LogDirEventNotificationZNode.encode(brokerID: 3), as: UTF8.self) == #"{"version":1,"broker":3,"event":1}"#)
        #expect(try LogDirEventNotificationZNode.decode(Array(#"{"event":1,"broker":42,"version":1}"#.utf8), path: "/x") == 42)
        #expect(LogDirEventNotificationZNode.sequencePathPrefix == "/log_dir_event_notification/log_dir_event_")
        #expect(throws: ZNodeDataError.self) { try LogDirEventNotificationZNode.decode(Array(#"{"version":1}"#.utf8), path: "/x") }
    }
}
