import Foundation
import KafkaModel
import KafkaProtocol

extension BrokerApiTable {
    /// LeaderAndIsr (key 4), from the ZooKeeper-mode controller: fenced by controller and broker
    /// epoch, then each partition becomes leader or follower if its leader epoch is newer (Kafka's
    /// `handleLeaderAndIsrRequest` and `ReplicaManager.becomeLeaderOrFollower`).
    static func leaderAndIsr(context: BrokerContext) -> BrokerApi {
        .typed(LeaderAndIsrRequest.self, versions: 0...5, audience: .controller) { request, header, _ in
            let states = header.apiVersion >= 2
                ? request.topicStates.flatMap { topic in topic.partitionStates.map { ($0, topic.topicName) } }
                : request.ungroupedPartitionStates.map { ($0, $0.topicName) }
            func response(_ error: KafkaErrorCode, partitionErrors: [TopicPartition: KafkaErrorCode] = [:]) -> LeaderAndIsrResponse {
                let all = states.map { state, topic in
                    (TopicPartition(topic: topic, partition: state.partitionIndex), partitionErrors[TopicPartition(topic: topic, partition: state.partitionIndex)] ?? error)
                }
                if header.apiVersion >= 5 {
                    let byTopic = Dictionary(grouping: all, by: { $0.0.topic })
                    return LeaderAndIsrResponse(
                        errorCode: error.rawValue,
                        topics: byTopic.keys.sorted().map { topic in
                            .init(topicId: request.topicStates.first { $0.topicName == topic }?.topicId ?? .zero,
                                  partitionErrors: byTopic[topic]!.map { .init(topicName: topic, partitionIndex: $0.0.partition, errorCode: $0.1.rawValue) })
                        })
                }
                return LeaderAndIsrResponse(
                    errorCode: error.rawValue,
                    partitionErrors: all.map { .init(topicName: $0.0.topic, partitionIndex: $0.0.partition, errorCode: $0.1.rawValue) })
            }
            switch context.fence.admit(controllerEpoch: request.controllerEpoch, brokerEpoch: request.brokerEpoch) {
            case .staleBrokerEpoch:
                return response(.staleBrokerEpoch)
            case .staleControllerEpoch(let stale, let current):
                context.logger.warning("Ignoring LeaderAndIsr from controller \(request.controllerId) with epoch \(stale) (current \(current))")
                return response(.staleControllerEpoch)
            case .accept:
                var endpoints: [BrokerID: ReplicaFetcherManager.Endpoint] = [:]
                for leader in request.liveLeaders {
                    endpoints[leader.brokerId] = .init(host: leader.hostName, port: Int(leader.port))
                }
                let administration = context.topicAdministration
                let refused = await context.applyLeadership(
                    states.map { state, topic in
                        ReplicaManager.BecomeLeaderOrFollower(
                            topicPartition: TopicPartition(topic: topic, partition: state.partitionIndex), leader: state.leader,
                            leaderEpoch: state.leaderEpoch, isr: state.isr, replicas: state.replicas, zkVersion: state.zkVersion,
                            controllerEpoch: state.controllerEpoch)
                    },
                    leaderEndpoints: endpoints,
                    topicConfig: { topic in try? await administration.topicConfig(topic) })
                for (partition, reason) in refused {
                    context.logger.info("Ignoring LeaderAndIsr for partition \(partition) from controller \(request.controllerId): \(reason)")
                }
                return response(.none, partitionErrors: refused.mapValues {
                    switch $0 {
                    case .notAReplica: .unknownTopicOrPartition
                    case .storage: .kafkaStorageError
                    case .staleLeaderEpoch: .staleControllerEpoch
                    }
                })
            }
        }
    }

    /// StopReplica (key 5): the broker stops hosting partitions (deleting them when asked; the logs
    /// arrive with the data plane).
    static func stopReplica(context: BrokerContext) -> BrokerApi {
        .typed(StopReplicaRequest.self, versions: 0...3, audience: .controller) { request, header, _ in
            let partitions: [(TopicPartition, leaderEpoch: Int32)] =
                header.apiVersion >= 3
                ? request.topicStates.flatMap { topic in topic.partitionStates.map { (TopicPartition(topic: topic.topicName, partition: $0.partitionIndex), $0.leaderEpoch) } }
                : header.apiVersion >= 1
                    ? request.topics.flatMap { topic in topic.partitionIndexes.map { (TopicPartition(topic: topic.name, partition: $0), Int32(-1)) } }
                    : request.ungroupedPartitions.map { (TopicPartition(topic: $0.topicName, partition: $0.partitionIndex), Int32(-1)) }
            // v3 says per partition whether to delete; v0–v2 say it once for the whole request.
            let deleted: Set<TopicPartition> =
                header.apiVersion >= 3
                ? Set(request.topicStates.flatMap { topic in
                    topic.partitionStates.filter(\.deletePartition).map { TopicPartition(topic: topic.topicName, partition: $0.partitionIndex) }
                })
                : request.deletePartitions ? Set(partitions.map(\.0)) : []
            func response(_ error: KafkaErrorCode, partitionErrors: [TopicPartition: KafkaErrorCode] = [:]) -> StopReplicaResponse {
                StopReplicaResponse(
                    errorCode: error.rawValue,
                    partitionErrors: partitions.map { partition, _ in
                        .init(topicName: partition.topic, partitionIndex: partition.partition, errorCode: (partitionErrors[partition] ?? error).rawValue)
                    })
            }
            switch context.fence.admit(controllerEpoch: request.controllerEpoch, brokerEpoch: request.brokerEpoch) {
            case .staleBrokerEpoch: return response(.staleBrokerEpoch)
            case .staleControllerEpoch: return response(.staleControllerEpoch)
            case .accept:
                let refused = context.applyStopReplicas(partitions, delete: deleted)
                return response(.none, partitionErrors: refused.mapValues {
                    if case .storage = $0 { .kafkaStorageError } else { .staleControllerEpoch }
                })
            }
        }
    }
}
