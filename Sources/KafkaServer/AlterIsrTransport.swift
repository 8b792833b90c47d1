import KafkaBroker
import KafkaModel
import KafkaProtocol
import ZooKeeperModeController

/// A ZooKeeper-mode broker's ISR changes as Kafka 2.8's `DefaultAlterIsrManager` sends them (KIP-497,
/// `inter.broker.protocol.version` ≥ 2.7): AlterIsr v0 to the controller its metadata cache names, with the
/// broker epoch of its current registration. Log directory failures still go through ZooKeeper, as in 2.8.
struct AlterIsrTransport: IsrChangeTransport {
    let brokerID: BrokerID
    let channel: ControllerChannel
    /// The czxid of this broker's `/brokers/ids/<id>` (changes when the session is re-established).
    let brokerEpoch: @Sendable () -> Int64
    let zooKeeperWriter: ZooKeeperPartitionStateWriter
    /// Kafka 2.8 never times an AlterIsr out (`retryTimeoutMs = Long.MaxValue`; the network client's
    /// `request.timeout.ms`, 30 s, still closes a silent connection): 30 s, then the batch goes again.
    static let requestTimeout = Duration.seconds(30)

    var apiName: String { "AlterIsr" }

    func send(_ batch: [Partition.IsrUpdate]) async throws -> IsrChangeTransportAnswer {
        let request = AlterIsrRequest(brokerID: brokerID, brokerEpoch: brokerEpoch(), changes: batch)
        let (controller, response) = try await channel.send(request, version: 0, timeout: Self.requestTimeout)
        return IsrChangeTransportAnswer(
            controller: controller, error: KafkaErrorCode(rawValue: response.errorCode), partitions: response.isrChangeAnswers)
    }

    func notController() async { await channel.notController() }

    func notifyLogDirFailure(brokerID: BrokerID) async throws {
        try await zooKeeperWriter.notifyLogDirFailure(brokerID: brokerID)
    }

    func close() async { await channel.close() }
}
