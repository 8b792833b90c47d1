import KafkaClient
import KafkaConfig
import KafkaProtocol
import Logging

/// A KRaft broker's channel to the active controller (Kafka 3.3's `BrokerToControllerChannelManager`):
/// the active controller is the Raft leader the broker's observer knows (`leader()`), reached on its
/// `controller.quorum.voters` address, which is its controller listener. One connection, reopened
/// when the leader changes or the connection fails. Callers retry: a failed send throws, and a
/// NOT_CONTROLLER answer is theirs to see (they wait for the observer to learn the new leader).
actor ControllerChannel {
    private let voters: [Int32: QuorumVoter]
    private let leader: @Sendable () -> Int32?
    private let clientID: String
    private let requestTimeout: Duration
    private var connection: (id: Int32, connection: KafkaConnection)?
    /// Where to try while no leader is known: voters in turn (a broker starting before any election).
    private var nextGuess = 0

    /// `purpose` names the channel in its client id (Kafka's `broker-N-heartbeat-channel`, ...).
    init(
        voters: [QuorumVoter], nodeID: Int32, requestTimeoutMs: Int64, purpose: String = "to-controller",
        leader: @escaping @Sendable () -> Int32?
    ) {
        self.voters = Dictionary(uniqueKeysWithValues: voters.map { ($0.id, $0) })
        self.leader = leader
        self.clientID = "broker-\(nodeID)-\(purpose)"
        self.requestTimeout = .milliseconds(requestTimeoutMs)
    }

    /// The controller this channel would send to now.
    var target: Int32? {
        if let id = leader(), voters[id] != nil { return id }
        let ids = voters.keys.sorted()
        return ids.isEmpty ? nil : ids[nextGuess % ids.count]
    }

    /// Sends `request` to the active controller; throws when it cannot be reached or does not answer within
    /// `timeout` (by default `controller.quorum.request.timeout.ms`).
    func send<Request: KafkaRequest>(
        _ request: Request, version: Int16, timeout: Duration? = nil
    ) async throws -> (controller: Int32, response: Request.Response) {
        guard let id = target, let voter = voters[id] else { throw ControllerChannelError.noController }
        let open: KafkaConnection
        if let current = connection, current.id == id, current.connection.isActive {
            open = current.connection
        } else {
            if let stale = connection { await stale.connection.close() }
            connection = nil
            do {
                open = try await KafkaConnection.connect(host: voter.host, port: voter.port, clientID: clientID, timeout: requestTimeout)
            } catch {
                nextGuess += 1
                throw error
            }
            connection = (id, open)
        }
        do {
            return (id, try await open.send(request, version: version, timeout: timeout ?? requestTimeout))
        } catch {
            await open.close()
            if connection?.id == id { connection = nil }
            nextGuess += 1
            throw error
        }
    }

    /// The leader answered NOT_CONTROLLER (it is no longer active, or not yet): look elsewhere next.
    func notController() {
        nextGuess += 1
    }

    func close() async {
        if let current = connection { await current.connection.close() }
        connection = nil
    }
}

enum ControllerChannelError: Error, CustomStringConvertible {
    case noController
    var description: String { "no controller is known (controller.quorum.voters is empty)" }
}
