import NIOCore
import Testing

@testable import KafkaProtocol

/// Bytes produced by kafka-python 2.0.2's encoder (not ours): decode them, check fields, re-encode
/// and compare byte for byte.
@Suite(.tags(.unit)) struct GoldenBytesTests {
    /// `metadata_response_v5_topics` → (MetadataResponse.self, 5)
    static func messageType(forFixture name: String) -> (any (KafkaMessage & KafkaSampleProviding).Type, Int16)? {
        var parts = name.split(separator: "_")
        if parts.first == "librdkafka" { parts.removeFirst() }
        guard parts.count >= 3, parts[2].hasPrefix("v"), let version = Int16(parts[2].dropFirst()) else { return nil }
        let wanted = (parts[0] + parts[1]).lowercased()
        guard let type = allGeneratedMessageTypes.first(where: { "\($0)".lowercased() == wanted }) else { return nil }
        return (type, version)
    }

    @Test func everyMessageFixture_decodesAndReencodesIdentically() throws {
        var checked: [String] = []
        for name in try Fixtures.names() where !name.hasPrefix("records_") && !name.hasPrefix("frame_") {
            guard let (type, version) = Self.messageType(forFixture: name) else {
                Issue.record("no message type for fixture \(name)")
                continue
            }
            let bytes = try Fixtures.load(name)
            try check(type, version: version, bytes: bytes, name: name)
            checked.append(name)
        }
        #expect(checked.count >= 100)
    }

    private func check<M: KafkaMessage>(_: M.Type, version: Int16, bytes: ByteBuffer, name: String) throws {
        let decoded: M
        do {
            decoded = try M.decode(bytes, version: version)
        } catch {
            Issue.record("\(name): \(error)")
            return
        }
        #expect(hexString(decoded.encoded(version: version)) == hexString(bytes), "\(name): re-encoded bytes differ")
    }

    private func decode<M: KafkaMessage>(_: M.Type, _ name: String, _ version: Int16) throws -> M {
        try M.decode(try Fixtures.load(name), version: version)
    }

    // MARK: Field checks, named <api>_<request|response>_v<N>

    @Test func apiVersions_response_v0() throws {
        let r = try decode(ApiVersionsResponse.self, "apiversions_response_v0", 0)
        #expect(r.errorCode == 0)
        #expect(r.apiKeys.map { [$0.apiKey, $0.minVersion, $0.maxVersion] } == [[0, 0, 7], [1, 0, 11], [18, 0, 3]])
    }

    @Test func apiVersions_response_v2() throws {
        let r = try decode(ApiVersionsResponse.self, "apiversions_response_v2", 2)
        #expect(r.errorCode == KafkaErrorCode.unsupportedVersion.rawValue)
        #expect(r.throttleTimeMs == 0)
    }

    @Test func metadata_request_v0_v1_v4() throws {
        #expect(try decode(MetadataRequest.self, "metadata_request_v0", 0).topics == [])
        #expect(try decode(MetadataRequest.self, "metadata_request_v0_topics", 0).topics?.map(\.name) == ["t1", "t2"])
        #expect(try decode(MetadataRequest.self, "metadata_request_v1", 1).topics == nil)
        let v4 = try decode(MetadataRequest.self, "metadata_request_v4", 4)
        #expect(v4.topics?.map(\.name) == ["t1"])
        #expect(v4.allowAutoTopicCreation)
        #expect(try decode(MetadataRequest.self, "metadata_request_v5", 5).allowAutoTopicCreation == false)
    }

    @Test func metadata_response_v1() throws {
        let r = try decode(MetadataResponse.self, "metadata_response_v1", 1)
        #expect(r.brokers.map(\.host) == ["localhost", "broker-1"])
        #expect(r.brokers.map(\.rack) == [nil, "rack-1"])
        #expect(r.controllerId == 0)
        #expect(r.topics.map(\.name) == ["topic-a", "__consumer_offsets"])
        #expect(r.topics[1].isInternal)
        let p = r.topics[0].partitions
        #expect(p.map(\.leaderId) == [0, -1])
        #expect(p[0].replicaNodes == [0, 1])
        #expect(p[1].errorCode == KafkaErrorCode.leaderNotAvailable.rawValue)
    }

    @Test func metadata_response_v5() throws {
        let r = try decode(MetadataResponse.self, "metadata_response_v5", 5)
        #expect(r.clusterId == "cluster-xyz")
        #expect(r.topics[0].partitions[1].offlineReplicas == [0])
    }

    @Test func produce_request_v7() throws {
        let r = try decode(ProduceRequest.self, "produce_request_v7", 7)
        #expect(r.transactionalId == nil)
        #expect(r.acks == 1)
        #expect(r.timeoutMs == 30_000)
        #expect(r.topicData.map(\.name) == ["topic-a", "topic-b"])
        #expect(r.topicData[0].partitionData.map(\.index) == [0, 1])
        let records = try #require(r.topicData[0].partitionData[1].records)
        guard case .batches(let batches) = ProduceRecordsValidator.validate(records: records, produceVersion: 7) else {
            Issue.record("batch from kafka-python rejected")
            return
        }
        let batch = try batches[0].decode()
        #expect(batch.records.count == 3)
        #expect(batch.records[2].headers == [RecordHeader(key: "h1", value: Array("x".utf8)), RecordHeader(key: "h2", value: nil)])
    }

    @Test func produce_request_v3() throws {
        let r = try decode(ProduceRequest.self, "produce_request_v3", 3)
        #expect(r.acks == -1)
        #expect(r.topicData[0].partitionData[0].records?.readableBytes == 70)
    }

    @Test func produce_request_v2_legacyMagic1() throws {
        let r = try decode(ProduceRequest.self, "produce_request_v2", 2)
        let records = try #require(r.topicData[0].partitionData[0].records)
        guard case .batches(let batches) = ProduceRecordsValidator.validate(records: records, produceVersion: 2) else {
            Issue.record("legacy message set rejected")
            return
        }
        let batch = try batches[0].decode()
        #expect(batch.records.map(\.value) == [Array("v1".utf8)])
        #expect(batch.records.map(\.key) == [Array("k".utf8)])
    }

    @Test func produce_response_v7() throws {
        let r = try decode(ProduceResponse.self, "produce_response_v7", 7)
        let p = r.responses[0].partitionResponses[0]
        #expect(p.baseOffset == 42)
        #expect(p.logAppendTimeMs == -1)
        #expect(p.logStartOffset == 0)
    }

    @Test func fetch_request_v4() throws {
        let r = try decode(FetchRequest.self, "fetch_request_v4", 4)
        #expect(r.replicaId == -1)
        #expect(r.maxWaitMs == 500)
        #expect(r.maxBytes == 52_428_800)
        #expect(r.isolationLevel == 0)
        #expect(r.topics[0].partitions.map(\.fetchOffset) == [5, 0])
    }

    @Test func fetch_request_v10() throws {
        let r = try decode(FetchRequest.self, "fetch_request_v10", 10)
        #expect(r.sessionEpoch == -1)
        #expect(r.topics[0].partitions[0].currentLeaderEpoch == -1)
    }

    @Test func fetch_response_v4() throws {
        let r = try decode(FetchResponse.self, "fetch_response_v4", 4)
        let p = r.responses[0].partitionResponses
        #expect(p[0].highWatermark == 1)
        #expect(p[0].abortedTransactions == nil)
        #expect(p[1].abortedTransactions == [])
        #expect(p[1].recordSet?.readableBytes == 0)
        let aborted = try decode(FetchResponse.self, "fetch_response_v4_aborted", 4)
        #expect(aborted.responses[0].partitionResponses[0].abortedTransactions?.first?.producerId == 7)
    }

    @Test func joinGroup_request_v2() throws {
        let r = try decode(JoinGroupRequest.self, "joingroup_request_v2", 2)
        #expect(r.groupId == "my-group")
        #expect(r.rebalanceTimeoutMs == 300_000)
        #expect(r.memberId == "member-1")
        #expect(r.protocolType == "consumer")
        let subscription = try ConsumerProtocolSubscription.decodeVersioned(r.protocols[0].metadata)
        #expect(subscription.topics == ["topic-a"])
        #expect(subscription.userData == nil)
    }

    @Test func offsetCommit_request_v2() throws {
        let r = try decode(OffsetCommitRequest.self, "offsetcommit_request_v2", 2)
        #expect(r.retentionTimeMs == -1)
        #expect(r.topics[0].partitions.map(\.committedOffset) == [42, 7])
        #expect(r.topics[0].partitions[1].committedMetadata == nil)
    }

    @Test func createTopics_request_v1() throws {
        let r = try decode(CreateTopicsRequest.self, "createtopics_request_v1", 1)
        #expect(r.topics[0].numPartitions == -1)
        #expect(r.topics[0].assignments.map(\.brokerIds) == [[0, 1], [1, 0]])
        #expect(r.validateOnly)
    }

    @Test func describeConfigs_response_v1() throws {
        let r = try decode(DescribeConfigsResponse.self, "describeconfigs_response_v1", 1)
        #expect(r.results[0].configs[0].configSource == 1)
        #expect(r.results[0].configs[0].synonyms[0].value == "1000")
    }

    @Test func frames_kafkaPythonProbe() throws {
        var frame = try Fixtures.load("frame_apiversions_v0")
        #expect(try frame.readKafkaInt32(field: "size") == Int32(frame.readableBytes))
        let header = try RequestHeader(from: &frame)
        #expect(header.apiKey == .apiVersions && header.apiVersion == 0 && header.clientId == "kafka-python-2.0.2")
        var metadata = try Fixtures.load("frame_metadata_v0")
        _ = try metadata.readKafkaInt32(field: "size")
        let metadataHeader = try RequestHeader(from: &metadata)
        let body = try KafkaRequestBody.decode(apiKey: metadataHeader.apiKey, version: metadataHeader.apiVersion, from: &metadata)
        #expect(body == .metadata(MetadataRequest(topics: [])))
        var reencoded = ByteBuffer()
        KafkaFrame.request(MetadataRequest(topics: []), correlationId: metadataHeader.correlationId,
                           clientId: metadataHeader.clientId, version: 0, into: &reencoded)
        #expect(reencoded == (try Fixtures.load("frame_metadata_v0")))
    }

    // MARK: librdkafka 2.0.2 on the wire (scripts/capture_librdkafka_fixtures.py)

    @Test func apiVersions_request_v3_librdkafkaFrame() throws {
        var frame = try Fixtures.load("frame_librdkafka_apiversions_v3")
        _ = try frame.readKafkaInt32(field: "size")
        let header = try RequestHeader(from: &frame)
        #expect(header.apiVersion == 3 && header.headerVersion == 2 && header.clientId == "rdkafka")
        let body = try ApiVersionsRequest.decode(frame, version: 3)
        #expect(body.clientSoftwareName == "confluent-kafka-python")
        #expect(body.clientSoftwareVersion.hasSuffix("rdkafka-2.0.2"))
        var reencoded = ByteBuffer()
        KafkaFrame.request(body, correlationId: header.correlationId, clientId: "rdkafka", version: 3, into: &reencoded)
        #expect(reencoded == (try Fixtures.load("frame_librdkafka_apiversions_v3")))
    }

    @Test func metadata_request_v4_librdkafka() throws {
        let r = try decode(MetadataRequest.self, "librdkafka_metadata_request_v4", 4)
        #expect(r.topics?.map(\.name) == ["lib-topic"])
        #expect(r.allowAutoTopicCreation)
    }

    @Test func produce_request_v7_librdkafka() throws {
        let r = try decode(ProduceRequest.self, "librdkafka_produce_request_v7", 7)
        #expect(r.acks == -1)
        #expect(r.topicData.count == 1 && r.topicData[0].partitionData.count == 1)
        let records = try #require(r.topicData[0].partitionData[0].records)
        guard case .batches(let batches) = ProduceRecordsValidator.validate(records: records, produceVersion: 7) else {
            Issue.record("librdkafka batch rejected")
            return
        }
        let batch = try batches[0].decode()
        #expect(batch.records.map(\.key) == (0..<3).map { Array("key-\($0)".utf8) })
        #expect(batch.records.map(\.value) == (0..<3).map { Array("value-\($0)".utf8) })
        #expect(batch.records.allSatisfy { $0.headers == [RecordHeader(key: "h", value: Array("1".utf8))] })
        #expect(batch.header.baseTimestamp == 1_700_000_000_000)
        #expect(batch.header.partitionLeaderEpoch == 0)
        // Our encoder reproduces librdkafka's batch byte for byte.
        #expect(try batch.encoded() == records)
    }

    @Test func listOffsets_request_v2_librdkafka() throws {
        let r = try decode(ListOffsetsRequest.self, "librdkafka_listoffsets_request_v2", 2)
        #expect(r.replicaId == -1)
        #expect(r.topics[0].partitions[0].timestamp == -1)  // OFFSET_END
    }

    @Test func fetch_request_v11_librdkafka() throws {
        let r = try decode(FetchRequest.self, "librdkafka_fetch_request_v11", 11)
        #expect(r.maxWaitMs == 500)
        #expect(r.isolationLevel == 1)  // read_committed by default
        #expect(r.topics[0].partitions[0].currentLeaderEpoch == -1)
        #expect(r.rackId == "")
    }
}
