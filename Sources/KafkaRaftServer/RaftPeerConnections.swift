import KafkaClient
import KafkaConfig

/// One pipelined `KafkaConnection` per other voter, opened on first use and dropped on failure
/// (Kafka's `NetworkClient` under `KafkaNetworkChannel`). Unreachable peers are not retried here:
/// the core re-sends its requests after `controller.quorum.request.timeout.ms`.
actor RaftPeerConnections {
    private let voters: [Int32: QuorumVoter]
    private let clientID: String
    private let connectTimeout: Duration
    private var open: [Int32: KafkaConnection] = [:]

    init(voters: [QuorumVoter], localID: Int32, connectTimeout: Duration) {
        self.voters = Dictionary(uniqueKeysWithValues: voters.map { ($0.id, $0) })
        self.clientID = "raft-client-\(localID)"
        self.connectTimeout = connectTimeout
    }

    func connection(to id: Int32) async throws -> KafkaConnection {
        if let connection = open[id], connection.isActive { return connection }
        guard let voter = voters[id] else { throw RaftPeerError.unknownVoter(id) }
        let connection = try await KafkaConnection.connect(
            host: voter.host, port: voter.port, clientID: clientID, timeout: connectTimeout)
        if let raced = open[id], raced.isActive {
            await connection.close()
            return raced
        }
        open[id] = connection
        return connection
    }

    func drop(_ id: Int32) async {
        if let connection = open.removeValue(forKey: id) { await connection.close() }
    }

    func closeAll() async {
        for connection in open.values { await connection.close() }
        open = [:]
    }
}
