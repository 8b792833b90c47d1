import KafkaController
import KafkaModel
import KafkaProtocol

/// Turns a broker's answer to a controller request into the event the controller processes (Kafka's
/// `ControllerChannelManager` callbacks). Pure, so the per-partition error maps are unit tested.
enum ControllerResponseEvents {
    /// `LeaderAndIsr`: only the failed partitions are kept, so the event carries no N-entry map of zeros (Kafka's
    /// `handleLeaderAndIsrResponse` acts only on the partitions that did not answer NONE).
    static func leaderAndISR(_ response: LeaderAndIsrResponse, to request: LeaderAndISRRequest) -> ControllerEvent {
        var errors: [TopicPartition: Int16] = [:]
        // v5 errors are keyed by topic id. With no ids assigned (all zero), a topic's name is the request's
        // topic at the same position: brokers answer topics in request order (sorted by name).
        let topicNames = Set(request.partitionStates.map(\.topicPartition.topic)).sorted()
        for (index, topic) in response.topics.enumerated() {
            for error in topic.partitionErrors where error.errorCode != 0 {
                let name = !error.topicName.isEmpty ? error.topicName
                    : response.topics.count == topicNames.count ? topicNames[index] : ""
                errors[TopicPartition(topic: name, partition: error.partitionIndex)] = error.errorCode
            }
        }
        for error in response.partitionErrors where error.errorCode != 0 {
            errors[TopicPartition(topic: error.topicName, partition: error.partitionIndex)] = error.errorCode
        }
        return .leaderAndISRResponseReceived(brokerID: request.brokerID, errorCode: response.errorCode, partitionErrors: errors)
    }

    /// `StopReplica`: an event only for a request that deletes partitions (topic deletion), carrying every
    /// partition, NONE included. Kafka's `processTopicDeletionStopReplicaResponseReceived` takes the partitions
    /// answered NONE as deleted (→ ReplicaDeletionSuccessful); dropping them, as for LeaderAndIsr, left every
    /// deleted topic's replicas in ReplicaDeletionStarted and its znodes in place forever.
    static func stopReplica(_ response: StopReplicaResponse, to request: CoreStopReplicaRequest) -> ControllerEvent? {
        guard request.partitionStates.contains(where: \.deletePartition) else { return nil }
        var errors: [TopicPartition: Int16] = [:]
        errors.reserveCapacity(response.partitionErrors.count)
        for error in response.partitionErrors {
            errors[TopicPartition(topic: error.topicName, partition: error.partitionIndex)] = error.errorCode
        }
        return .topicDeletionStopReplicaResponseReceived(
            brokerID: request.brokerID, errorCode: response.errorCode, partitionErrors: errors)
    }
}
