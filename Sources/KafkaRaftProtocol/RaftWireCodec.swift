import KafkaProtocol
import KafkaRaft
import NIOCore

/// Maps the core's `RaftMessage`s to and from Kafka's wire bodies for the one partition
/// `__cluster_metadata-0`: Vote, BeginQuorumEpoch, EndQuorumEpoch and FetchSnapshot v0 from the
/// 3.3.2 specs, and Fetch v12 from KafkaProtocol's 2.8.2 types (Kafka 3.3 sends v13, which only
/// adds topic ids; v12 already carries LastFetchedEpoch, DivergingEpoch, CurrentLeader, SnapshotId).
public enum RaftWireCodec {
    public static let topicName = "__cluster_metadata"
    public static let partition: Int32 = 0
    public static let fetchVersion: Int16 = 12

    public static func apiKey(of message: RaftMessage) -> ApiKey {
        switch message {
        case .voteRequest, .voteResponse: VoteRequest.apiKey
        case .beginQuorumEpochRequest, .beginQuorumEpochResponse: BeginQuorumEpochRequest.apiKey
        case .endQuorumEpochRequest, .endQuorumEpochResponse: EndQuorumEpochRequest.apiKey
        case .fetchRequest, .fetchResponse: FetchRequest.apiKey
        case .fetchSnapshotRequest, .fetchSnapshotResponse: FetchSnapshotRequest.apiKey
        }
    }

    public static func version(of message: RaftMessage) -> Int16 {
        if case .fetchRequest = message { return fetchVersion }
        if case .fetchResponse = message { return fetchVersion }
        return 0
    }

    public static func isResponse(_ message: RaftMessage) -> Bool {
        switch message {
        case .voteResponse, .beginQuorumEpochResponse, .endQuorumEpochResponse, .fetchResponse, .fetchSnapshotResponse: true
        default: false
        }
    }

    /// The wire body of `message` at `version(of:)`.
    public static func encode(_ message: RaftMessage, clusterId: String? = nil) -> ByteBuffer {
        let version = version(of: message)
        switch message {
        case .voteRequest(let m): return makeVoteRequest(m, clusterId: clusterId).encoded(version: version)
        case .voteResponse(let m): return makeVoteResponse(m).encoded(version: version)
        case .beginQuorumEpochRequest(let m): return makeBeginQuorumEpochRequest(m, clusterId: clusterId).encoded(version: version)
        case .beginQuorumEpochResponse(let m): return makeBeginQuorumEpochResponse(m).encoded(version: version)
        case .endQuorumEpochRequest(let m): return makeEndQuorumEpochRequest(m, clusterId: clusterId).encoded(version: version)
        case .endQuorumEpochResponse(let m): return makeEndQuorumEpochResponse(m).encoded(version: version)
        case .fetchRequest(let m): return makeFetchRequest(m, clusterId: clusterId).encoded(version: version)
        case .fetchResponse(let m): return makeFetchResponse(m).encoded(version: version)
        case .fetchSnapshotRequest(let m): return makeFetchSnapshotRequest(m, clusterId: clusterId).encoded(version: version)
        case .fetchSnapshotResponse(let m): return makeFetchSnapshotResponse(m).encoded(version: version)
        }
    }

    /// Decodes a body whose header named `apiKey` and `version`.
    public static func decode(
        apiKey: ApiKey, isResponse: Bool, version: Int16, from bytes: ByteBuffer
    ) throws(KafkaProtocolError) -> RaftMessage {
        switch (apiKey, isResponse) {
        case (VoteRequest.apiKey, false): return .voteRequest(try core(VoteRequest.decode(bytes, version: version)))
        case (VoteRequest.apiKey, true): return .voteResponse(try core(VoteResponse.decode(bytes, version: version)))
        case (BeginQuorumEpochRequest.apiKey, false):
            return .beginQuorumEpochRequest(try core(BeginQuorumEpochRequest.decode(bytes, version: version)))
        case (BeginQuorumEpochRequest.apiKey, true):
            return .beginQuorumEpochResponse(try core(BeginQuorumEpochResponse.decode(bytes, version: version)))
        case (EndQuorumEpochRequest.apiKey, false):
            return .endQuorumEpochRequest(try core(EndQuorumEpochRequest.decode(bytes, version: version)))
        case (EndQuorumEpochRequest.apiKey, true):
            return .endQuorumEpochResponse(try core(EndQuorumEpochResponse.decode(bytes, version: version)))
        case (FetchRequest.apiKey, false): return .fetchRequest(try core(FetchRequest.decode(bytes, version: version)))
        case (FetchRequest.apiKey, true): return .fetchResponse(try core(FetchResponse.decode(bytes, version: version)))
        case (FetchSnapshotRequest.apiKey, false):
            return .fetchSnapshotRequest(try core(FetchSnapshotRequest.decode(bytes, version: version)))
        case (FetchSnapshotRequest.apiKey, true):
            return .fetchSnapshotResponse(try core(FetchSnapshotResponse.decode(bytes, version: version)))
        default:
            throw KafkaProtocolError(.unknownApiKey(apiKey.rawValue), field: "RaftWireCodec")
        }
    }

    static func missingPartition(_ type: String) -> KafkaProtocolError {
        KafkaProtocolError(.invalidValue("no \(topicName)-\(partition) partition"), field: type)
    }

    static func leaderId(_ wire: Int32) -> Int32? { wire < 0 ? nil : wire }
}
