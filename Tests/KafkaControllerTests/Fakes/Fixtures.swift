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

/// `partitions` partitions of topic "t", replicas g, g+1, g+2 (mod 3) + 1 as the bench assigns them, all in sync,
/// led by their first replica, seeded in `store` with zkVersion 4 and leader epoch 2 and loaded into `context`.
func seedRoundRobinTopic(partitions: Int, context: ControllerContext, store: InMemoryPartitionStateStore) {
    for g in 0..<partitions {
        let replicas = (0..<3).map { BrokerID((g + $0) % 3 + 1) }
        let partition = tp("t", Int32(g))
        context.updatePartitionFullReplicaAssignment(partition, ReplicaAssignment(replicas: replicas))
        store.seed(partition, leader: replicas[0], isr: replicas, leaderEpoch: 2, zkVersion: 4)
        context.putPartitionLeadershipInfo(partition, store.states[partition]!)
        context.putPartitionState(partition, .online)
        for broker in replicas { context.putReplicaState(replica(partition, broker), .online) }
    }
}

/// Runs `body` as the shell's coalescing scope does: with a scoped store, requests held for the event and the
/// written states put back into the context at its end; without one, Kafka's plain flow.
func runAsShellEvent(scoped: EventScopedPartitionStateStore?, context: ControllerContext, _ body: () throws -> Void) throws {
    scoped?.beginHoldingRequests()
    try body()
    if let scoped {
        for (partition, state) in try scoped.endHoldingRequests(expectedControllerEpochZKVersion: context.epochZKVersion) {
            context.putPartitionLeadershipInfo(partition, state)
        }
    }
}
