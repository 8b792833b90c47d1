import KafkaClient
import KafkaConfig
import KafkaMetadata
import KafkaProtocol
import Logging

/// The broker side of controlled shutdown (Kafka 2.8 `KafkaServer.controlledShutdown`): before a
/// broker stops, it asks the active controller to move its leaderships away, retrying up to
/// `controlled.shutdown.max.retries` times while partitions remain.
enum ControlledShutdown {
    /// Returns true when the controller reported no partitions left on this broker.
    static func perform(
        config: BrokerConfig, brokerEpoch: Int64, metadataCache: MetadataCache, logger: Logger
    ) async -> Bool {
        guard config.controlledShutdownEnable else { return false }
        var remainingRetries = config.controlledShutdownMaxRetries
        while remainingRetries > 0 {
            remainingRetries -= 1
            let snapshot = metadataCache.snapshot
            if let controllerID = snapshot.controllerID,
                let controller = snapshot.liveBrokers[controllerID],
                let endpoint = controller.endpoint(for: config.interBrokerListenerName)
            {
                do {
                    let connection = try await KafkaConnection.connect(
                        host: endpoint.host, port: Int(endpoint.port), clientID: "broker-\(config.brokerID)-controlled-shutdown",
                        timeout: .milliseconds(config.controllerSocketTimeoutMs))
                    defer { Task { await connection.close() } }
                    let response = try await connection.send(
                        ControlledShutdownRequest(brokerId: config.brokerID, brokerEpoch: brokerEpoch), version: 3)
                    if response.errorCode == KafkaErrorCode.none.rawValue && response.remainingPartitions.isEmpty {
                        logger.info("Controlled shutdown succeeded")
                        return true
                    }
                    let remaining = response.remainingPartitions.map { "\($0.topicName)-\($0.partitionIndex)" }
                    logger.info("Remaining partitions to move: \(remaining.joined(separator: ",")) (error code \(response.errorCode))")
                } catch {
                    logger.warning("Error during controlled shutdown, possibly because leader movement took longer than the configured controller.socket.timeout.ms: \(error)")
                }
            } else {
                logger.warning("No controller known to this broker; cannot ask for a controlled shutdown")
            }
            if remainingRetries > 0 {
                logger.info("Retrying controlled shutdown (\(remainingRetries) attempts left)")
                try? await Task.sleep(for: .milliseconds(config.controlledShutdownRetryBackoffMs))
            }
        }
        logger.warning("Proceeding to do an unclean shutdown as all the controlled shutdown attempts failed")
        return false
    }
}
