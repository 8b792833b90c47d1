import KafkaClient
import KafkaController
import KafkaModel
import KafkaProtocol
import Logging

/// The controller's connections to brokers (Kafka's `ControllerChannelManager`): one queue and one
/// sender per live broker, each sending its requests strictly in order over its own connection and
/// retrying a request until it is answered or the broker is removed. Responses come back as
/// controller events.
///
/// Threading contract: `addBroker`, `removeBroker`, `send` and `shutdown` run on the controller
/// event thread; each sender runs as its own task.
final class ControllerChannelManager: ControllerRequestSender {
    private var senders: [BrokerID: BrokerRequestSender] = [:]
    let controllerID: BrokerID
    let listenerName: String
    let requestTimeout: Duration
    let putEvent: @Sendable (ControllerEvent) -> Void
    let logger: Logger

    init(
        controllerID: BrokerID, listenerName: String, requestTimeout: Duration, logger: Logger,
        putEvent: @escaping @Sendable (ControllerEvent) -> Void
    ) {
        self.controllerID = controllerID
        self.listenerName = listenerName
        self.requestTimeout = requestTimeout
        self.logger = logger
        self.putEvent = putEvent
    }

    /// Starts a sender for `broker` (Kafka's `addBroker`), unless one exists.
    func addBroker(_ broker: BrokerInfo) {
        guard senders[broker.id] == nil else { return }
        guard let endpoint = broker.endpoint(for: listenerName) ?? broker.endpoints.first else {
            logger.error("Broker \(broker.id) has no endpoint for listener \(listenerName); the controller cannot reach it")
            return
        }
        senders[broker.id] = BrokerRequestSender(
            brokerID: broker.id, host: endpoint.host, port: Int(endpoint.port), controllerID: controllerID,
            listenerName: listenerName, timeout: requestTimeout, logger: logger, putEvent: putEvent)
    }

    /// Stops a broker's sender and drops its queued requests (Kafka's `removeBroker`).
    func removeBroker(_ id: BrokerID) {
        senders.removeValue(forKey: id)?.stop()
    }

    func send(_ requests: [ControllerBrokerRequest]) {
        for request in requests {
            guard let sender = senders[request.brokerID] else {
                logger.warning("Not sending \(request.apiName) to broker \(request.brokerID): no channel (broker not live)")
                continue
            }
            sender.enqueue(request)
        }
    }

    /// Stops every sender, discarding queued requests (on resignation).
    func shutdown() {
        for sender in senders.values { sender.stop() }
        senders.removeAll()
    }

    var brokerIDs: Set<BrokerID> { Set(senders.keys) }
}

/// One broker's request queue and the task draining it (Kafka's `RequestSendThread`).
final class BrokerRequestSender: Sendable {
    /// A request and when it was queued: requests of at least ``answerLogThreshold`` partitions log how long
    /// the broker took to answer them counted from then (read by `zkafka bench controller`, its "requests
    /// answered" phase), so a slow failover shows whether the controller or the brokers held it up.
    private struct Queued: Sendable {
        var request: ControllerBrokerRequest
        var queuedAt: ContinuousClock.Instant
    }

    static let answerLogThreshold = 1000

    private let continuation: AsyncStream<Queued>.Continuation
    private let task: Task<Void, Never>

    init(
        brokerID: BrokerID, host: String, port: Int, controllerID: BrokerID, listenerName: String,
        timeout: Duration, logger: Logger, putEvent: @escaping @Sendable (ControllerEvent) -> Void
    ) {
        let (stream, continuation) = AsyncStream.makeStream(of: Queued.self)
        self.continuation = continuation
        task = Task.detached {
            var connection: KafkaConnection?
            for await queued in stream {
                let request = queued.request
                var attempt = 0
                while !Task.isCancelled {
                    do {
                        if connection == nil || connection?.isActive == false {
                            connection = try await KafkaConnection.connect(
                                host: host, port: port, clientID: "controller-\(controllerID)", timeout: timeout)
                        }
                        if let event = try await Self.send(request, over: connection!, listenerName: listenerName) {
                            putEvent(event)
                        }
                        let partitions = request.partitionCount
                        if partitions >= Self.answerLogThreshold {
                            let elapsed = ContinuousClock.now - queued.queuedAt
                            let ms = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
                            logger.info("Broker \(brokerID) answered \(request.apiName) for \(partitions) partitions \(ms) ms after it was queued")
                        }
                        break
                    } catch {
                        attempt += 1
                        if attempt == 1 || attempt % 50 == 0 {
                            logger.warning(
                                "Controller \(controllerID) failed to send \(request.apiName) to broker \(brokerID) at \(host):\(port) (attempt \(attempt)): \(error); retrying")
                        }
                        await connection?.close()
                        connection = nil
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                }
            }
            await connection?.close()
        }
    }

    func enqueue(_ request: ControllerBrokerRequest) { continuation.yield(Queued(request: request, queuedAt: .now)) }

    func stop() {
        continuation.finish()
        task.cancel()
    }

    /// Sends one request and turns its response into the event the controller expects, if any.
    private static func send(
        _ request: ControllerBrokerRequest, over connection: KafkaConnection, listenerName: String
    ) async throws -> ControllerEvent? {
        switch request {
        // The wire message is built inside `send(version:building:)` and gone once encoded: while the broker
        // works on a request of N partitions the sender holds the controller's request and the encoded bytes,
        // not a third copy (issue 14).
        case .leaderAndISR(let leaderAndISR):
            let response = try await connection.send(version: ControllerRequestEncoding.leaderAndISRVersion) {
                ControllerRequestEncoding.leaderAndISR(leaderAndISR, listenerName: listenerName)
            }
            return ControllerResponseEvents.leaderAndISR(response, to: leaderAndISR)
        case .updateMetadata(let updateMetadata):
            let response = try await connection.send(version: ControllerRequestEncoding.updateMetadataVersion) {
                ControllerRequestEncoding.updateMetadata(updateMetadata)
            }
            return .updateMetadataResponseReceived(brokerID: updateMetadata.brokerID, errorCode: response.errorCode)
        case .stopReplica(let stopReplica):
            let response = try await connection.send(version: ControllerRequestEncoding.stopReplicaVersion) {
                ControllerRequestEncoding.stopReplica(stopReplica)
            }
            return ControllerResponseEvents.stopReplica(response, to: stopReplica)
        }
    }
}
