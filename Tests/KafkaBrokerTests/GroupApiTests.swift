import Foundation
import KafkaConfig
import KafkaLog
import KafkaNetwork
import KafkaProtocol
import Logging
import NIOCore
import Testing

@testable import KafkaBroker

/// The group APIs through the broker's request router, before this broker coordinates anything.
@Suite("Group APIs on a broker without __consumer_offsets", .tags(.unit), .timeLimit(.minutes(1)))
struct GroupApiTests {
    func withBroker(_ body: (BrokerFrontEnd) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zkafka-groupapi-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logger = Logger(label: "GroupApiTests")
        let config = try BrokerConfig(values: ["broker.id": "1", "zookeeper.connect": "127.0.0.1:2181", "log.dirs": directory])
        let logManager = try LogManager(logDirs: [directory], config: LogConfig(), logger: logger, nowMs: { ReplicaManager.nowMs() })
        let broker = BrokerFrontEnd(
            config: config, clusterID: "test", replicaManager: ReplicaManager(brokerID: 1, config: config, logManager: logManager, logger: logger),
            logger: logger)
        defer { broker.shutdownGroupCoordinator() }
        try await body(broker)
    }

    func call<Request: KafkaRequest>(_ broker: BrokerFrontEnd, _ request: Request, version: Int16) async throws -> Request.Response {
        var frame = ByteBuffer()
        RequestHeader(apiKey: Request.apiKey, apiVersion: version, correlationId: 7, clientId: "test").encode(into: &frame)
        request.encode(into: &frame, version: version)
        let context = RequestContext(
            connectionID: "c", clientAddress: "127.0.0.1:5000", listenerName: "PLAINTEXT",
            header: RequestHeaderPrefix(apiKey: Request.apiKey.rawValue, apiVersion: version, correlationID: 7))
        guard case .send(var response) = await broker.requestHandler.handle(frame, context: context) else {
            throw KafkaProtocolError(.invalidValue("no response"), field: "test")
        }
        _ = try ResponseHeader(from: &response, headerVersion: ResponseHeader.headerVersion(apiKey: Request.apiKey, apiVersion: version))
        return try Request.Response(from: &response, version: version)
    }

    @Test("FindCoordinator answers COORDINATOR_NOT_AVAILABLE while too few brokers are alive to create __consumer_offsets")
    func findCoordinatorWithoutBrokers() async throws {
        try await withBroker { broker in
            for version: Int16 in 0...2 {
                let response = try await call(broker, FindCoordinatorRequest(key: "g", keyType: 0), version: version)
                #expect(response.errorCode == KafkaErrorCode.coordinatorNotAvailable.rawValue, "v\(version)")
                #expect(response.nodeId == -1)
            }
        }
    }

    @Test("group requests for a group this broker does not coordinate get NOT_COORDINATOR in their own layouts")
    func notCoordinator() async throws {
        try await withBroker { broker in
            let join = try await call(
                broker,
                JoinGroupRequest(groupId: "g", sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: "", protocolType: "consumer",
                                 protocols: [.init(name: "range", metadata: [])]),
                version: 5)
            #expect(join.errorCode == KafkaErrorCode.notCoordinator.rawValue)
            #expect(join.protocolName == "", "not nullable before v7")
            let heartbeat = try await call(broker, HeartbeatRequest(groupId: "g", generationId: 1, memberId: "m"), version: 3)
            #expect(heartbeat.errorCode == KafkaErrorCode.notCoordinator.rawValue)
            let fetch = try await call(broker, OffsetFetchRequest(groupId: "g", topics: [.init(name: "t", partitionIndexes: [0])]), version: 1)
            #expect(fetch.topics.first?.partitions.first?.errorCode == KafkaErrorCode.notCoordinator.rawValue, "v1 reports it per partition")
            let invalid = try await call(broker, HeartbeatRequest(groupId: "", generationId: 1, memberId: "m"), version: 3)
            #expect(invalid.errorCode == KafkaErrorCode.invalidGroupID.rawValue)
            let listed = try await call(broker, ListGroupsRequest(), version: 2)
            #expect(listed.errorCode == 0 && listed.groups.isEmpty)
        }
    }
}

@Suite("Topic log config of compacted topics", .tags(.unit))
struct CompactedTopicLogConfigTests {
    @Test("a compact-only topic (like __consumer_offsets) is never trimmed by time or size; compact,delete is")
    func compactOnlyKeepsSegments() throws {
        let broker = try BrokerConfig(values: ["broker.id": "1", "zookeeper.connect": "127.0.0.1:2181"])
        let compact = TopicLogConfig.logConfig(broker: broker, topic: ["cleanup.policy": "compact", "retention.ms": "1000"])
        #expect(compact.retentionMs == -1)
        #expect(compact.retentionBytes == -1)
        let both = TopicLogConfig.logConfig(broker: broker, topic: ["cleanup.policy": "compact, delete", "retention.ms": "1000"])
        #expect(both.retentionMs == 1_000)
        #expect(TopicLogConfig.logConfig(broker: broker, topic: [:]).retentionMs == broker.logRetentionMs)
    }

    @Test("cleanup.policy and the log cleaner's topic settings over the broker's log.cleaner.* defaults")
    func cleanerSettings() throws {
        let broker = try BrokerConfig(values: [
            "broker.id": "1", "zookeeper.connect": "127.0.0.1:2181", "log.cleaner.delete.retention.ms": "5000",
            "log.cleaner.min.cleanable.ratio": "0.25", "log.cleaner.backoff.ms": "2000",
        ])
        #expect(broker.logCleanerEnable && broker.logCleanerThreads == 1 && broker.logCleanerBackoffMs == 2_000)
        #expect(broker.warnings.isEmpty)
        let defaults = TopicLogConfig.logConfig(broker: broker, topic: [:])
        #expect(!defaults.compact)
        #expect(defaults.deleteRetentionMs == 5_000 && defaults.minCleanableDirtyRatio == 0.25 && defaults.minCompactionLagMs == 0)
        let compact = TopicLogConfig.logConfig(broker: broker, topic: [
            "cleanup.policy": "compact", "delete.retention.ms": "100", "min.cleanable.dirty.ratio": "0.01",
            "min.compaction.lag.ms": "7",
        ])
        #expect(compact.compact && compact.deleteRetentionMs == 100 && compact.minCleanableDirtyRatio == 0.01)
        #expect(compact.minCompactionLagMs == 7)
        #expect(TopicLogConfig.logConfig(broker: broker, topic: ["cleanup.policy": "delete,compact"]).compact)
        let brokerCompact = try BrokerConfig(values: [
            "broker.id": "1", "zookeeper.connect": "127.0.0.1:2181", "log.cleanup.policy": "compact",
        ])
        #expect(TopicLogConfig.logConfig(broker: brokerCompact, topic: [:]).compact)
        #expect(throws: ConfigError.self) {
            try BrokerConfig(values: ["broker.id": "1", "zookeeper.connect": "x:1", "log.cleaner.min.cleanable.ratio": "2"])
        }
    }
}
