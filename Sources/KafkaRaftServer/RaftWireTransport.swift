import KafkaClient
import KafkaProtocol
import KafkaRaft
import KafkaRaftProtocol
import NIOCore

/// Moves core messages over Kafka connections. `RaftWireCodec` speaks in wire bodies; `KafkaConnection`
/// speaks in typed requests. The bridge decodes the codec's body into the typed request the API
/// names and, for responses, re-encodes the typed response for the codec to read: a copy per
/// message, which the quorum's message rate makes negligible.
enum RaftWireTransport {
    /// Sends `message` (a request) on `connection`, calling `completion` with the response as a core message.
    static func submit(
        _ message: RaftMessage, clusterID: String, on connection: KafkaConnection, timeout: Duration,
        completion: @escaping @Sendable (Result<RaftMessage, any Error>) -> Void
    ) {
        let body = RaftWireCodec.encode(message, clusterId: clusterID)
        let version = RaftWireCodec.version(of: message)
        switch RaftWireCodec.apiKey(of: message) {
        case VoteRequest.apiKey: submit(VoteRequest.self, body, version, connection, timeout, completion)
        case BeginQuorumEpochRequest.apiKey: submit(BeginQuorumEpochRequest.self, body, version, connection, timeout, completion)
        case EndQuorumEpochRequest.apiKey: submit(EndQuorumEpochRequest.self, body, version, connection, timeout, completion)
        case FetchSnapshotRequest.apiKey: submit(FetchSnapshotRequest.self, body, version, connection, timeout, completion)
        default: submit(FetchRequest.self, body, version, connection, timeout, completion)
        }
    }

    private static func submit<Request: KafkaRequest>(
        _ type: Request.Type, _ body: ByteBuffer, _ version: Int16, _ connection: KafkaConnection, _ timeout: Duration,
        _ completion: @escaping @Sendable (Result<RaftMessage, any Error>) -> Void
    ) {
        var bytes = body
        let request: Request
        do {
            request = try Request(from: &bytes, version: version)
        } catch {
            completion(.failure(error))
            return
        }
        connection.submit(request, version: version, timeout: timeout) { result in
            completion(result.flatMap { response in
                Result { () throws -> RaftMessage in
                    try RaftWireCodec.decode(
                        apiKey: Request.apiKey, isResponse: true, version: version, from: response.encoded(version: version))
                }
            })
        }
    }

    /// A response frame for the network layer: response header + body, without the size prefix.
    static func responseFrame(body: ByteBuffer, apiKey: ApiKey, version: Int16, correlationID: Int32) -> ByteBuffer {
        var frame = ByteBuffer()
        let headerVersion = ResponseHeader.headerVersion(apiKey: apiKey, apiVersion: version)
        ResponseHeader(correlationId: correlationID).encode(into: &frame, headerVersion: headerVersion)
        var bodyCopy = body
        frame.writeBuffer(&bodyCopy)
        return frame
    }

    /// The member a request comes from, as each quorum request names it.
    static func source(of message: RaftMessage) -> Int32? {
        switch message {
        case .voteRequest(let m): m.candidateId
        case .beginQuorumEpochRequest(let m): m.leaderId
        case .endQuorumEpochRequest(let m): m.leaderId
        case .fetchRequest(let m): m.replicaId
        case .fetchSnapshotRequest(let m): m.replicaId
        default: nil
        }
    }
}
