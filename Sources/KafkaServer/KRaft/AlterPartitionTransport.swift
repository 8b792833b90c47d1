import KafkaBroker
import KafkaModel
import KafkaProtocol
import KafkaRaftProtocol

/// A KRaft broker's ISR changes as Kafka 3.3's `AlterPartitionManager` sends them: AlterPartition v1 to the
/// quorum's active controller, with the broker epoch and topic ids of the broker's metadata image.
struct AlterPartitionTransport: IsrChangeTransport {
    let brokerID: BrokerID
    let channel: ControllerChannel
    let view: KRaftMetadataView
    /// Kafka's broker-to-controller channels time requests out after `controller.socket.timeout.ms` (30 s),
    /// not the quorum's 2 s: a batch of a thousand changes is a thousand records to commit.
    static let requestTimeout = Duration.seconds(30)

    var apiName: String { "AlterPartition" }

    func send(_ batch: [Partition.IsrUpdate]) async throws -> IsrChangeTransportAnswer {
        let request = AlterPartitionRequest(
            brokerID: brokerID, brokerEpoch: view.brokerEpoch, changes: batch, topicIDs: view.image.state.topicIDsByName)
        let (controller, response) = try await channel.send(request, version: 1, timeout: Self.requestTimeout)
        return IsrChangeTransportAnswer(
            controller: controller, error: KafkaErrorCode(rawValue: response.errorCode), partitions: response.isrChangeAnswers)
    }

    func notController() async { await channel.notController() }

    func close() async { await channel.close() }
}
