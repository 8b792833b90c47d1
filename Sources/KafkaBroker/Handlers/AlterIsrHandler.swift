import KafkaModel
import KafkaProtocol

extension BrokerApiTable {
    /// AlterIsr (key 56, v0; KIP-497), sent by partition leaders to the active controller (Kafka 2.8's
    /// `handleAlterIsrRequest` → `KafkaController.alterIsrs`): NOT_CONTROLLER unless the controller in this
    /// process is active; otherwise the controller event's per-partition answers.
    static func alterIsr(
        context: BrokerContext, controller: @escaping @Sendable () -> (any ControllerLink)?
    ) -> BrokerApi {
        .typed(AlterIsrRequest.self, versions: 0...0, audience: .controller) { request, _, _ in
            guard let controller = controller() else {
                return AlterIsrResponse(errorCode: KafkaErrorCode.notController.rawValue)
            }
            // Kafka's `LeaderAndIsr(brokerId, leaderEpoch, newIsr, currentIsrVersion)` per partition; a partition
            // named twice keeps its last entry, as Kafka's map does.
            var changes: [TopicPartition: LeaderAndISR] = [:]
            for topic in request.topics {
                for partition in topic.partitions {
                    changes[TopicPartition(topic: topic.name, partition: partition.partitionIndex)] = LeaderAndISR(
                        leader: request.brokerId, leaderEpoch: partition.leaderEpoch, isr: partition.newIsr,
                        zkVersion: partition.currentIsrVersion)
                }
            }
            switch await controller.alterIsr(brokerID: request.brokerId, brokerEpoch: request.brokerEpoch, changes: changes) {
            case .failure(let refusal):
                context.logger.info("AlterIsr from broker \(request.brokerId) refused: \(refusal.message)")
                return AlterIsrResponse(errorCode: refusal.errorCode)
            case .success(let results):
                return AlterIsrResponse(errorCode: KafkaErrorCode.none.rawValue, topics: Self.alterIsrTopics(results))
            }
        }
    }

    /// The response's topics, grouped as Kafka's `responseCallback` groups them: an error carries only its code.
    static func alterIsrTopics(_ results: [TopicPartition: Result<LeaderAndISR, AlterIsrRefusal>]) -> [AlterIsrResponse.TopicData] {
        Dictionary(grouping: results.keys, by: \.topic).keys.sorted().map { topic in
            AlterIsrResponse.TopicData(
                name: topic,
                partitions: results.keys.filter { $0.topic == topic }.sorted().map { partition in
                    switch results[partition]! {
                    case .success(let state):
                        AlterIsrResponse.PartitionData(
                            partitionIndex: partition.partition, errorCode: KafkaErrorCode.none.rawValue, leaderId: state.leader,
                            leaderEpoch: state.leaderEpoch, isr: state.isr, currentIsrVersion: state.zkVersion)
                    case .failure(let refusal):
                        AlterIsrResponse.PartitionData(partitionIndex: partition.partition, errorCode: refusal.errorCode)
                    }
                })
        }
    }
}
