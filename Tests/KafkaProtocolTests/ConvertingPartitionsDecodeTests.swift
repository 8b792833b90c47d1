import NIOCore
import Testing

@testable import KafkaProtocol

/// The LeaderAndIsr and UpdateMetadata decoders that convert partition states one at a time read
/// exactly what the generated decoders read, at every version.
@Suite(.tags(.unit)) struct ConvertingPartitionsDecodeTests {
    static func leaderAndIsr() -> LeaderAndIsrRequest {
        var request = LeaderAndIsrRequest.sampleForTesting()
        let template = request.topicStates.first?.partitionStates.first ?? request.ungroupedPartitionStates[0]
        func state(_ topic: String, _ index: Int32) -> LeaderAndIsrRequest.LeaderAndIsrPartitionState {
            var state = template
            state.topicName = topic
            state.partitionIndex = index
            state.leaderEpoch = index + 7
            state.isr = [index, index + 1]
            return state
        }
        request.ungroupedPartitionStates = [state("a", 0), state("b", 1), state("a", 2)]
        request.topicStates = [
            .init(topicName: "a", topicId: KafkaUUID(mostSignificantBits: 1, leastSignificantBits: 2),
                  partitionStates: [state("", 0), state("", 1), state("", 2)]),
            .init(topicName: "b", topicId: KafkaUUID(mostSignificantBits: 3, leastSignificantBits: 4), partitionStates: []),
            .init(topicName: "c", topicId: .zero, partitionStates: [state("", 5)]),
        ]
        return request
    }

    static func updateMetadata() -> UpdateMetadataRequest {
        var request = UpdateMetadataRequest.sampleForTesting()
        let template = request.topicStates.first?.partitionStates.first ?? request.ungroupedPartitionStates[0]
        func state(_ topic: String, _ index: Int32) -> UpdateMetadataRequest.UpdateMetadataPartitionState {
            var state = template
            state.topicName = topic
            state.partitionIndex = index
            state.offlineReplicas = [index]
            return state
        }
        request.ungroupedPartitionStates = [state("x", 0), state("y", 0), state("x", 1)]
        request.topicStates = [
            .init(topicName: "x", topicId: KafkaUUID(mostSignificantBits: 5, leastSignificantBits: 6),
                  partitionStates: [state("", 0), state("", 1)]),
            .init(topicName: "y", topicId: .zero, partitionStates: [state("", 3)]),
        ]
        return request
    }

    @Test func leaderAndIsr_everyVersion_matchesTheGeneratedDecoder() throws {
        for version in LeaderAndIsrRequest.validVersions {
            let bytes = Self.leaderAndIsr().encoded(version: version)
            var whole = bytes
            let generated = try LeaderAndIsrRequest(from: &whole, version: version)
            var streamed = bytes
            let converted = try LeaderAndIsrRequest.decode(from: &streamed, version: version) { state, topic in
                StatePair(topic: topic, state: state)
            }
            #expect(streamed.readableBytes == whole.readableBytes, "v\(version): both decoders consume the same bytes")
            let expected = version >= 2
                ? generated.topicStates.flatMap { topic in topic.partitionStates.map { StatePair(topic: topic.topicName, state: $0) } }
                : generated.ungroupedPartitionStates.map { StatePair(topic: $0.topicName, state: $0) }
            #expect(converted.partitions == expected, "v\(version)")
            #expect(converted.partitions.count == (version >= 2 ? 4 : 3))
            var rest = generated
            rest.ungroupedPartitionStates = []
            for index in rest.topicStates.indices { rest.topicStates[index].partitionStates = [] }
            #expect(converted.request == rest, "v\(version): everything but the partition states is kept")
        }
    }

    @Test func updateMetadata_everyVersion_matchesTheGeneratedDecoder() throws {
        for version in UpdateMetadataRequest.validVersions {
            let bytes = Self.updateMetadata().encoded(version: version)
            var whole = bytes
            let generated = try UpdateMetadataRequest(from: &whole, version: version)
            var streamed = bytes
            let converted = try UpdateMetadataRequest.decode(from: &streamed, version: version) { state, topic in
                StatePair(topic: topic, state: state)
            }
            #expect(streamed.readableBytes == whole.readableBytes, "v\(version): both decoders consume the same bytes")
            let expected = version >= 5
                ? generated.topicStates.flatMap { topic in topic.partitionStates.map { StatePair(topic: topic.topicName, state: $0) } }
                : generated.ungroupedPartitionStates.map { StatePair(topic: $0.topicName, state: $0) }
            #expect(converted.partitions == expected, "v\(version)")
            #expect(converted.partitions.count == 3)
            var rest = generated
            rest.ungroupedPartitionStates = []
            for index in rest.topicStates.indices { rest.topicStates[index].partitionStates = [] }
            #expect(converted.request == rest, "v\(version): everything but the partition states is kept")
        }
    }

    @Test func truncatedRequests_failLikeTheGeneratedDecoder() {
        let bytes = Self.leaderAndIsr().encoded(version: 5)
        let truncated = bytes.getSlice(at: bytes.readerIndex, length: bytes.readableBytes - 3)!
        var streamed = truncated
        #expect(throws: KafkaProtocolError.self) {
            _ = try LeaderAndIsrRequest.decode(from: &streamed, version: 5) { state, _ in state.partitionIndex }
        }
        var unsupported = bytes
        #expect(throws: KafkaProtocolError.self) {
            _ = try UpdateMetadataRequest.decode(from: &unsupported, version: 8) { state, _ in state.partitionIndex }
        }
    }
}

private struct StatePair<State: Hashable & Sendable>: Hashable, Sendable {
    var topic: String
    var state: State
}
