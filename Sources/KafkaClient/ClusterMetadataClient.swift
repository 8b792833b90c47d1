import KafkaProtocol
import NIOCore
import NIOPosix
import Synchronization

/// The cluster view shared by `KafkaProducer` and `KafkaConsumer` (Kafka's `Metadata` plus the
/// connection half of `NetworkClient`): bootstraps from `host:port[,host:port]`, sends Metadata v5
/// (the newest the broker answers), keeps one connection per broker, finds partition leaders, and
/// refreshes when a broker says its idea of a leader is stale.
public final class ClusterMetadataClient: Sendable {
    public let bootstrap: [BrokerAddress]
    public let clientID: String
    /// How long one request may wait for its response (`request.timeout.ms`).
    public let requestTimeout: Duration
    /// How long an unknown topic or a leaderless partition is retried before it is reported: the
    /// brokers' caches learn of a new topic or leader a little after the controller decides it.
    public let metadataWait: Duration
    /// Pause between metadata refreshes while waiting (`retry.backoff.ms`, Kafka's default 100 ms).
    public let retryBackoff: Duration
    /// Whether Metadata requests let the broker create unknown topics (`allow_auto_topic_creation`,
    /// KIP-204): Kafka's producer asks for it, its consumer does not by default.
    public let allowAutoTopicCreation: Bool

    private struct State {
        var metadata = ClusterMetadata()
        /// Topics the client has asked about; every refresh covers them (Kafka's `Metadata` topic list).
        var interestingTopics: Set<String> = []
        var connections: [BrokerAddress: Task<KafkaConnection, any Error>] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    public init(
        bootstrap: [BrokerAddress], clientID: String = "zkafka-client", requestTimeout: Duration = .seconds(30),
        metadataWait: Duration = .seconds(3), retryBackoff: Duration = .milliseconds(100),
        allowAutoTopicCreation: Bool = false
    ) {
        self.allowAutoTopicCreation = allowAutoTopicCreation
        self.bootstrap = bootstrap
        self.clientID = clientID
        self.requestTimeout = requestTimeout
        self.metadataWait = metadataWait
        self.retryBackoff = retryBackoff
    }

    public convenience init(
        bootstrapServers: String, clientID: String = "zkafka-client", requestTimeout: Duration = .seconds(30),
        metadataWait: Duration = .seconds(3)
    ) throws(KafkaClientError) {
        self.init(
            bootstrap: try BrokerAddress.parseList(bootstrapServers), clientID: clientID,
            requestTimeout: requestTimeout, metadataWait: metadataWait)
    }

    /// The last metadata received.
    public var metadata: ClusterMetadata { state.withLock { $0.metadata } }

    // MARK: Metadata

    /// Sends Metadata v5 for the given topics plus every topic asked about before (nil: all topics),
    /// to a known broker or, failing all of them, to each bootstrap server in turn.
    @discardableResult
    public func refresh(topics: [String] = []) async throws -> ClusterMetadata {
        let (wanted, candidates) = state.withLock { state in
            state.interestingTopics.formUnion(topics)
            let known = state.metadata.brokers.values.sorted { $0.description < $1.description }
            return (Array(state.interestingTopics).sorted(), known.shuffled() + bootstrap)
        }
        var failures: [String] = []
        for address in candidates {
            do {
                let response = try await send(
                    MetadataRequest(topics: wanted.map { .init(name: $0) }, allowAutoTopicCreation: allowAutoTopicCreation),
                    version: 5, to: address)
                return state.withLock { state in
                    state.metadata.merge(response)
                    return state.metadata
                }
            } catch {
                failures.append("\(address) (\(error))")
            }
        }
        throw KafkaClientError.noBrokerReachable(
            "Could not get metadata from any broker: " + failures.joined(separator: "; "))
    }

    /// The topic's partitions, refreshing if the topic is not known yet. An unknown topic is retried
    /// for `metadataWait`, then reported as ``KafkaClientError/unknownTopic(_:)``.
    public func topic(_ name: String) async throws -> TopicMetadata {
        if let known = state.withLock({ $0.metadata.topics[name] }) { return known }
        let deadline = ContinuousClock.now + metadataWait
        while true {
            let metadata = try await refresh(topics: [name])
            if let topic = metadata.topics[name] { return topic }
            let code = KafkaErrorCode(rawValue: metadata.topicErrors[name] ?? KafkaErrorCode.unknownTopicOrPartition.rawValue)
            if code == .invalidTopicException {
                throw KafkaClientError.invalidConfig("Topic name '\(name)' is invalid (INVALID_TOPIC_EXCEPTION)")
            }
            if code == .topicAuthorizationFailed || ContinuousClock.now >= deadline {
                if code == .unknownTopicOrPartition { throw KafkaClientError.unknownTopic(name) }
                throw KafkaClientError.partitionError(topic: name, partition: -1, code: code.rawValue, message: nil)
            }
            try await Task.sleep(for: retryBackoff)
        }
    }

    /// The partition's leader, refreshing (for up to `metadataWait`) while it has none.
    public func leader(topic: String, partition: Int32) async throws -> (id: Int32, epoch: Int32) {
        let deadline = ContinuousClock.now + metadataWait
        var refreshed = false
        while true {
            let topicMetadata = try await self.topic(topic)
            guard let info = topicMetadata.partition(partition) else {
                if refreshed || ContinuousClock.now >= deadline {
                    throw KafkaClientError.unknownPartition(
                        topic: topic, partition: partition, partitionCount: topicMetadata.partitionCount)
                }
                try await refresh(topics: [topic])
                refreshed = true
                continue
            }
            if info.leader >= 0, state.withLock({ $0.metadata.brokers[info.leader] }) != nil {
                return (info.leader, info.leaderEpoch)
            }
            if ContinuousClock.now >= deadline { throw KafkaClientError.leaderNotAvailable(topic: topic, partition: partition) }
            try await Task.sleep(for: retryBackoff)
            try await refresh(topics: [topic])
            refreshed = true
        }
    }

    /// Forgets what is known of `topic`, so the next lookup asks a broker (after NOT_LEADER_OR_FOLLOWER
    /// and the like, Kafka's `Metadata.requestUpdate`).
    public func invalidate(topic: String) {
        state.withLock { _ = $0.metadata.topics.removeValue(forKey: topic) }
    }

    // MARK: Connections and requests

    /// The connection to broker `id`, opened on first use.
    public func connection(toBroker id: Int32) async throws -> KafkaConnection {
        guard let address = state.withLock({ $0.metadata.brokers[id] }) else { throw KafkaClientError.brokerUnknown(id) }
        return try await connection(to: address)
    }

    /// The connection to `address`, opened on first use; concurrent callers share one attempt.
    public func connection(to address: BrokerAddress) async throws -> KafkaConnection {
        let attempt = try state.withLock { state throws(KafkaClientError) -> Task<KafkaConnection, any Error> in
            guard !state.closed else { throw KafkaClientError.closed }
            if let existing = state.connections[address] { return existing }
            let clientID = self.clientID
            let timeout = min(requestTimeout, .seconds(10))
            let task = Task {
                try await KafkaConnection.connect(host: address.host, port: address.port, clientID: clientID, timeout: timeout)
            }
            state.connections[address] = task
            return task
        }
        do {
            let connection = try await attempt.value
            if connection.isActive { return connection }
            drop(address, ifStill: attempt)
            throw KafkaClientError.connectionFailed(broker: "\(address)", reason: "connection closed")
        } catch let error as KafkaClientError {
            throw error
        } catch {
            drop(address, ifStill: attempt)
            throw KafkaClientError.connectionFailed(broker: "\(address)", reason: "\(error)")
        }
    }

    /// Sends a request to broker `id` within `requestTimeout` (or `timeout`). Transport failures and
    /// timeouts close the connection (the next request reconnects) and throw ``KafkaClientError``.
    public func send<Request: KafkaRequest>(
        _ request: Request, version: Int16, toBroker id: Int32, timeout: Duration? = nil
    ) async throws -> Request.Response {
        guard let address = state.withLock({ $0.metadata.brokers[id] }) else { throw KafkaClientError.brokerUnknown(id) }
        return try await send(request, version: version, to: address, timeout: timeout)
    }

    public func send<Request: KafkaRequest>(
        _ request: Request, version: Int16, to address: BrokerAddress, timeout: Duration? = nil
    ) async throws -> Request.Response {
        let connection = try await connection(to: address)
        let limit = timeout ?? requestTimeout
        do {
            return try await connection.send(request, version: version, timeout: limit)
        } catch KafkaConnectionError.timedOut {
            await disconnect(address)
            throw KafkaClientError.requestTimedOut(
                broker: "\(address)", api: String("\(Request.self)".dropLast("Request".count)),
                timeoutMs: Int(limit.components.seconds * 1000 + limit.components.attoseconds / 1_000_000_000_000_000))
        } catch let error as KafkaProtocolError {
            throw KafkaClientError.protocolError("Could not decode the response from broker \(address): \(error)")
        } catch {
            await disconnect(address)
            throw KafkaClientError.connectionFailed(broker: "\(address)", reason: "\(error)")
        }
    }

    /// Sends a request that gets no response (Produce with acks=0) to broker `id`.
    public func sendWithoutResponse<Request: KafkaRequest>(_ request: Request, version: Int16, toBroker id: Int32) async throws {
        guard let address = state.withLock({ $0.metadata.brokers[id] }) else { throw KafkaClientError.brokerUnknown(id) }
        let connection = try await connection(to: address)
        do {
            try await connection.sendWithoutResponse(request, version: version)
        } catch {
            await disconnect(address)
            throw KafkaClientError.connectionFailed(broker: "\(address)", reason: "\(error)")
        }
    }

    /// Closes and forgets the connection to `address`.
    public func disconnect(_ address: BrokerAddress) async {
        let task = state.withLock { $0.connections.removeValue(forKey: address) }
        if let connection = try? await task?.value { await connection.close() }
    }

    private func drop(_ address: BrokerAddress, ifStill attempt: Task<KafkaConnection, any Error>) {
        state.withLock { state in
            if state.connections[address] == attempt { state.connections[address] = nil }
        }
    }

    /// Closes every connection; later requests throw ``KafkaClientError/closed``.
    public func close() async {
        let tasks = state.withLock { state in
            state.closed = true
            defer { state.connections = [:] }
            return Array(state.connections.values)
        }
        for task in tasks {
            if let connection = try? await task.value { await connection.close() }
        }
    }
}
