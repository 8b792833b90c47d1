import KafkaClient
import KafkaRaft

/// Raft Fetch and FetchSnapshot as an observer of `__cluster_metadata-0` (a broker following the metadata log
/// with `ReplicaId` = its `node.id`, Kafka 3.3's `KafkaRaftClient` in observer mode): one round trip each, over
/// a `KafkaConnection` to a controller's listener. The leader answers records up to its log end; an observer
/// applies those below the response's high watermark.
public enum MetadataLogObserverFetch {
    public enum FetchError: Error, CustomStringConvertible {
        case unexpectedResponse(String)
        public var description: String {
            switch self {
            case .unexpectedResponse(let what): "unexpected answer to an observer fetch: \(what)"
            }
        }
    }

    public static func fetch(
        _ request: RaftMessage.FetchRequest, clusterID: String, on connection: KafkaConnection, timeout: Duration
    ) async throws -> RaftMessage.FetchResponse {
        let message = try await roundTrip(.fetchRequest(request), clusterID: clusterID, on: connection, timeout: timeout)
        guard case .fetchResponse(let response) = message else { throw FetchError.unexpectedResponse("\(message)") }
        return response
    }

    public static func fetchSnapshot(
        _ request: RaftMessage.FetchSnapshotRequest, clusterID: String, on connection: KafkaConnection, timeout: Duration
    ) async throws -> RaftMessage.FetchSnapshotResponse {
        let message = try await roundTrip(.fetchSnapshotRequest(request), clusterID: clusterID, on: connection, timeout: timeout)
        guard case .fetchSnapshotResponse(let response) = message else { throw FetchError.unexpectedResponse("\(message)") }
        return response
    }

    private static func roundTrip(
        _ message: RaftMessage, clusterID: String, on connection: KafkaConnection, timeout: Duration
    ) async throws -> RaftMessage {
        try await withCheckedThrowingContinuation { continuation in
            RaftWireTransport.submit(message, clusterID: clusterID, on: connection, timeout: timeout) {
                continuation.resume(with: $0)
            }
        }
    }
}
