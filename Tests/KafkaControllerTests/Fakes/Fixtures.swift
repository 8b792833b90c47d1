import KafkaController
import KafkaModel

func broker(_ id: BrokerID, epoch: Int64 = 100) -> BrokerInfo {
    BrokerInfo(
        id: id, endpoints: [BrokerEndpoint(listenerName: "PLAINTEXT", host: "b\(id)", port: 9092, securityProtocol: "PLAINTEXT")],
        epoch: epoch + Int64(id))
}

func tp(_ topic: String, _ partition: Int32) -> TopicPartition { TopicPartition(topic: topic, partition: partition) }

func replica(_ partition: TopicPartition, _ broker: BrokerID) -> PartitionReplica {
    PartitionReplica(topicPartition: partition, replica: broker)
}

/// A context with controller epoch 1 and the given live brokers.
func makeContext(liveBrokers: [BrokerID], epoch: Int32 = 1) -> ControllerContext {
    let context = ControllerContext()
    context.epoch = epoch
    context.epochZKVersion = epoch
    context.addLiveBrokers(liveBrokers.map { broker($0) })
    return context
}

extension ControllerBrokerRequest {
    var leaderAndISR: LeaderAndISRRequest? { if case .leaderAndISR(let request) = self { request } else { nil } }
    var updateMetadata: UpdateMetadataRequest? { if case .updateMetadata(let request) = self { request } else { nil } }
    var stopReplica: StopReplicaRequest? { if case .stopReplica(let request) = self { request } else { nil } }
}
