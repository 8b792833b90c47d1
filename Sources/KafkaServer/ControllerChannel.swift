import KafkaClient
import KafkaConfig
import KafkaMetadata
import KafkaProtocol
import Logging

/// A broker's channel to the active controller (Kafka's `BrokerToControllerChannelManager`), in both modes:
/// one connection to whichever controller ``ControllerChannel/Locator`` names, reopened when that changes or the
/// connection fails. Callers retry: a failed send throws, and a NOT_CONTROLLER answer is theirs to see (they
/// wait until the broker learns the new controller).
///
/// - KRaft (``init(voters:nodeID:requestTimeoutMs:purpose:leader:)``): the Raft leader the broker's observer
///   knows, on its `controller.quorum.voters` address (its controller listener).
/// - ZooKeeper mode (``init(metadataCache:listenerName:nodeID:requestTimeoutMs:purpose:)``): the controller id
///   of the last UpdateMetadata, on its inter-broker listener endpoint (Kafka 2.8's
///   `MetadataCacheControllerNodeProvider`).
actor ControllerChannel {
    /// Where a controller listens.
    struct Endpoint: Sendable, Equatable {
        var id: Int32
        var host: String
        var port: Int
    }

    /// The controller to send to now; `guess` counts failures so far, for locators that try candidates in turn.
    typealias Locator = @Sendable (_ guess: Int) -> Endpoint?

    private let locate: Locator
    private let clientID: String
    private let requestTimeout: Duration
    private var connection: (endpoint: Endpoint, connection: KafkaConnection)?
    /// Where to try while no controller is known: voters in turn (a broker starting before any election).
    private var nextGuess = 0

    /// `purpose` names the channel in its client id (Kafka's `broker-N-heartbeat-channel`, ...).
    init(nodeID: Int32, requestTimeoutMs: Int64, purpose: String, locate: @escaping Locator) {
        self.locate = locate
        self.clientID = "broker-\(nodeID)-\(purpose)"
        self.requestTimeout = .milliseconds(requestTimeoutMs)
    }

    /// A KRaft broker's channel: the Raft leader (`leader()`) if it is a voter, else the voters in turn.
    init(
        voters: [QuorumVoter], nodeID: Int32, requestTimeoutMs: Int64, purpose: String = "to-controller",
        leader: @escaping @Sendable () -> Int32?
    ) {
        let byID = Dictionary(uniqueKeysWithValues: voters.map { ($0.id, $0) })
        let ids = byID.keys.sorted()
        self.init(nodeID: nodeID, requestTimeoutMs: requestTimeoutMs, purpose: purpose) { guess in
            let id = leader().flatMap { byID[$0] != nil ? $0 : nil } ?? (ids.isEmpty ? nil : ids[guess % ids.count])
            return id.flatMap { byID[$0] }.map { Endpoint(id: $0.id, host: $0.host, port: $0.port) }
        }
    }

    /// A ZooKeeper-mode broker's channel: the controller its metadata cache names, on `listenerName`.
    init(metadataCache: MetadataCache, listenerName: String, nodeID: Int32, requestTimeoutMs: Int64, purpose: String) {
        self.init(nodeID: nodeID, requestTimeoutMs: requestTimeoutMs, purpose: purpose) { _ in
            let snapshot = metadataCache.snapshot
            guard let id = snapshot.controllerID, let endpoint = snapshot.liveBrokers[id]?.endpoint(for: listenerName) else {
                return nil
            }
            return Endpoint(id: id, host: endpoint.host, port: Int(endpoint.port))
        }
    }

    /// The controller this channel would send to now.
    var target: Int32? { locate(nextGuess)?.id }

    /// Sends `request` to the active controller; throws when it cannot be reached or does not answer within
    /// `timeout` (by default the channel's request timeout).
    func send<Request: KafkaRequest>(
        _ request: Request, version: Int16, timeout: Duration? = nil
    ) async throws -> (controller: Int32, response: Request.Response) {
        guard let endpoint = locate(nextGuess) else { throw ControllerChannelError.noController }
        let open: KafkaConnection
        if let current = connection, current.endpoint == endpoint, current.connection.isActive {
            open = current.connection
        } else {
            if let stale = connection { await stale.connection.close() }
            connection = nil
            do {
                open = try await KafkaConnection.connect(
                    host: endpoint.host, port: endpoint.port, clientID: clientID, timeout: requestTimeout)
            } catch {
                nextGuess += 1
                throw error
            }
            connection = (endpoint, open)
        }
        do {
            return (endpoint.id, try await open.send(request, version: version, timeout: timeout ?? requestTimeout))
        } catch {
            await open.close()
            if connection?.endpoint == endpoint { connection = nil }
            nextGuess += 1
            throw error
        }
    }

    /// The controller answered NOT_CONTROLLER (it is no longer active, or not yet): look elsewhere next.
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
    var description: String { "no controller is known yet" }
}
