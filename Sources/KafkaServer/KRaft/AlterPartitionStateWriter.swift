import KafkaBroker
import KafkaModel
import KafkaProtocol
import KafkaRaftProtocol
import Logging

/// ``PartitionStateWriter`` for a KRaft broker: the leader's ISR changes go to the active controller as
/// AlterPartition (API 56; Kafka 3.3's `AlterPartitionManager`) instead of a conditional write of the
/// partition state znode. The partition epoch stands where ZooKeeper mode has the znode version: the
/// controller refuses a stale one (INVALID_UPDATE_VERSION), and the metadata log then brings the
/// current state. No ISR-change notification exists: the controller's PartitionChangeRecord reaches
/// every broker through the log.
struct AlterPartitionStateWriter: PartitionStateWriter {
    let brokerID: BrokerID
    let channel: ControllerChannel
    let view: KRaftMetadataView
    let logger: Logger
    /// Attempts on NOT_CONTROLLER or a lost connection before giving up (the leader retries the
    /// change itself later, as after any failed write).
    static let attempts = 5

    func writeLeaderAndIsr(_ update: Partition.IsrUpdate) async throws -> Int32? {
        let topicID = view.image.state.topicIDsByName[update.topicPartition.topic] ?? .zero
        let request = AlterPartitionRequest(
            brokerId: brokerID, brokerEpoch: view.brokerEpoch,
            topics: [.init(
                topicName: update.topicPartition.topic, topicId: topicID,
                partitions: [.init(
                    partitionIndex: update.topicPartition.partition, leaderEpoch: update.leaderEpoch, newIsr: update.isr,
                    leaderRecoveryState: 0, partitionEpoch: update.zkVersion)])])
        var lastError: (any Error)?
        for attempt in 0..<Self.attempts {
            if attempt > 0 { try await Task.sleep(for: .milliseconds(100 * attempt)) }
            let response: AlterPartitionResponse
            do {
                (_, response) = try await channel.send(request, version: 1)
            } catch {
                lastError = error
                continue
            }
            let topLevel = KafkaErrorCode(rawValue: response.errorCode)
            if topLevel == .notController {
                await channel.notController()
                continue
            }
            guard topLevel == .none else {
                logger.info("AlterPartition for \(update.topicPartition) failed: error \(topLevel.rawValue)")
                return nil
            }
            guard let answer = response.topics.first?.partitions.first else { return nil }
            let code = KafkaErrorCode(rawValue: answer.errorCode)
            guard code == .none else {
                logger.info("AlterPartition of \(update.topicPartition) to ISR \(update.isr) refused: error \(code.rawValue)")
                return nil
            }
            // The controller may answer with a state other than asked (Kafka 3.3 applies what it
            // returns); here the ISR asked for is what was accepted, and the log confirms it.
            return answer.partitionEpoch
        }
        throw lastError ?? ControllerChannelError.noController
    }

    /// The metadata log carries ISR changes to every broker; nothing to notify.
    func notifyIsrChanges(_ partitions: [TopicPartition]) async throws {}
}
