import KafkaProtocol
import KafkaRaft
import NIOCore
import Testing

@testable import KafkaRaftProtocol

/// The generated 3.3.2 quorum messages and the mapping of the core's messages onto the wire.
@Suite(.tags(.unit)) struct RaftWireCodecTests {
    @Test(arguments: allRaftMessageTypes.map { String(describing: $0) })
    func generatedMessage_roundTripsEveryVersion(_ name: String) throws {
        let type = try #require(allRaftMessageTypes.first { String(describing: $0) == name })
        try roundTrip(type)
    }

    private func roundTrip<T: KafkaMessage & KafkaSampleProviding>(_ type: T.Type) throws {
        let sample = T.sampleForTesting()
        for version in T.validVersions {
            let decoded = try T.decode(sample.encoded(version: version), version: version)
            #expect(decoded.encoded(version: version) == sample.encoded(version: version), "\(T.self) v\(version)")
        }
    }

    @Test func beginQuorumEpochRequest_v0_goldenBytes() {
        let body = RaftWireCodec.encode(.beginQuorumEpochRequest(.init(leaderId: 2, leaderEpoch: 5)))
        let topic = Array("__cluster_metadata".utf8)
        // BeginQuorumEpoch v0 is not flexible ("flexibleVersions": "none"): classic strings and arrays.
        let expected: [UInt8] =
            [0xFF, 0xFF]  // ClusterId: null nullable string
            + [0, 0, 0, 1, 0, UInt8(topic.count)] + topic  // Topics: 1 entry; TopicName
            + [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 5]  // Partitions: index 0, leader 2, epoch 5
        #expect(Array(body.readableBytesView) == expected)
        #expect(RaftWireCodec.apiKey(of: .beginQuorumEpochRequest(.init(leaderId: 2, leaderEpoch: 5))).rawValue == 53)
    }

    static let coreMessages: [RaftMessage] = [
        .voteRequest(.init(candidateEpoch: 4, candidateId: 3, lastOffsetEpoch: 2, lastOffset: 17)),
        .voteResponse(.init(errorCode: .none, leaderId: nil, leaderEpoch: 4, voteGranted: true)),
        .voteResponse(.init(errorCode: .fencedLeaderEpoch, leaderId: 1, leaderEpoch: 6, voteGranted: false)),
        .beginQuorumEpochRequest(.init(leaderId: 3, leaderEpoch: 4)),
        .beginQuorumEpochResponse(.init(errorCode: .none, leaderId: 3, leaderEpoch: 4)),
        .endQuorumEpochRequest(.init(leaderId: 3, leaderEpoch: 4, preferredSuccessors: [2, 1])),
        .endQuorumEpochResponse(.init(errorCode: .notLeaderOrFollower, leaderId: nil, leaderEpoch: 4)),
        .fetchRequest(.init(replicaId: 2, currentLeaderEpoch: 4, fetchOffset: 17, lastFetchedEpoch: 2, maxWaitMs: 500)),
        .fetchResponse(.init(
            errorCode: .none, leaderId: 3, leaderEpoch: 4, highWatermark: 17, logStartOffset: 0, recordsBaseOffset: 17,
            records: [
                RaftRecord(epoch: 4, payload: .leaderChange(leaderId: 3, voters: [1, 2, 3])),
                RaftRecord(epoch: 4, payload: .data([1, 2, 3])),
            ])),
        .fetchResponse(.init(
            errorCode: .none, leaderId: 3, leaderEpoch: 4, highWatermark: 17, logStartOffset: 0,
            divergingEpoch: OffsetAndEpoch(offset: 12, epoch: 2))),
        .fetchResponse(.init(
            errorCode: .none, leaderId: 3, leaderEpoch: 4, highWatermark: 17, logStartOffset: 10,
            snapshotId: OffsetAndEpoch(offset: 10, epoch: 3))),
        .fetchResponse(.init(errorCode: .fencedLeaderEpoch, leaderId: 3, leaderEpoch: 5)),
        .fetchSnapshotRequest(.init(replicaId: 2, currentLeaderEpoch: 4, snapshotId: OffsetAndEpoch(offset: 10, epoch: 3), position: 0)),
        .fetchSnapshotResponse(.init(
            errorCode: .none, leaderId: 3, leaderEpoch: 4, snapshotId: OffsetAndEpoch(offset: 10, epoch: 3), size: 3,
            position: 0, unalignedRecords: [7, 8, 9])),
    ]

    @Test(arguments: coreMessages.indices)
    func coreMessage_roundTripsThroughTheWire(_ index: Int) throws {
        let message = Self.coreMessages[index]
        let body = RaftWireCodec.encode(message, clusterId: "cluster-1")
        let decoded = try RaftWireCodec.decode(
            apiKey: RaftWireCodec.apiKey(of: message), isResponse: RaftWireCodec.isResponse(message),
            version: RaftWireCodec.version(of: message), from: body)
        var expected = message
        // An empty record set carries no base offset.
        if case .fetchResponse(var response) = message, response.records.isEmpty {
            response.recordsBaseOffset = -1
            expected = .fetchResponse(response)
        }
        #expect(decoded == expected)
    }
}
