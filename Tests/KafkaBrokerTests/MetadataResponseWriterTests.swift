import KafkaProtocol
import NIOCore
import Testing

@testable import KafkaBroker

@Suite("Metadata responses written topic by topic", .tags(.unit))
struct MetadataResponseWriterTests {
    static func response() -> MetadataResponse {
        func partition(_ index: Int32, error: KafkaErrorCode = .none) -> MetadataResponse.MetadataResponsePartition {
            .init(
                errorCode: error.rawValue, partitionIndex: index, leaderId: error == .none ? index % 3 + 1 : -1, leaderEpoch: index + 4,
                replicaNodes: [1, 2, 3], isrNodes: [index % 3 + 1, 2], offlineReplicas: index == 1 ? [3] : [])
        }
        return MetadataResponse(
            throttleTimeMs: 7,
            brokers: [.init(nodeId: 1, host: "h1", port: 9092, rack: "r1"), .init(nodeId: 2, host: "h2", port: 9093, rack: nil)],
            clusterId: "cluster-Ω", controllerId: 2,
            topics: [
                .init(errorCode: 0, name: "a", isInternal: false, partitions: (0..<5).map { partition($0) }),
                .init(errorCode: KafkaErrorCode.unknownTopicOrPartition.rawValue, name: "missing"),
                .init(errorCode: 0, name: "__consumer_offsets", isInternal: true,
                      partitions: [partition(0), partition(1, error: .leaderNotAvailable)]),
            ])
    }

    @Test("byte-identical to encoding the whole response, Metadata v0–v7")
    func matchesWholeEncoding() {
        for version in MetadataResponseWriter.versions {
            let whole = Self.response()
            let expected = ResponseFrame.make(whole, correlationID: 1234, version: version)
            var writer = MetadataResponseWriter(head: whole, topicCount: whole.topics.count, correlationID: 1234, version: version)
            for topic in whole.topics { writer.append(topic) }
            let frame = writer.finish()
            #expect(frame == expected, "v\(version)")
            #expect(frame.readableBytes > 100)
        }
    }

    @Test("no topics, and a head given with topics: they are not written twice")
    func emptyAndHeadTopicsIgnored() throws {
        for version in MetadataResponseWriter.versions {
            var none = Self.response()
            none.topics = []
            let writer = MetadataResponseWriter(head: Self.response(), topicCount: 0, correlationID: 9, version: version)
            #expect(writer.finish() == ResponseFrame.make(none, correlationID: 9, version: version), "v\(version)")
        }
        // Decodes as the response it was built from.
        var writer = MetadataResponseWriter(head: Self.response(), topicCount: 3, correlationID: 9, version: 5)
        for topic in Self.response().topics { writer.append(topic) }
        var frame = writer.finish()
        _ = try ResponseHeader(from: &frame, headerVersion: 0)
        let decoded = try MetadataResponse(from: &frame, version: 5)
        #expect(decoded.topics.map(\.name) == ["a", "missing", "__consumer_offsets"])
        #expect(decoded.topics[0].partitions.count == 5)
        #expect(frame.readableBytes == 0)
    }
}
