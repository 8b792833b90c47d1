import Foundation
import KafkaModel
import KafkaProtocol

extension BrokerApiTable {
    /// LeaderAndIsr (key 4), from the ZooKeeper-mode controller: fenced by controller and broker
    /// epoch, then each partition becomes leader or follower if its leader epoch is newer (Kafka's
    /// `handleLeaderAndIsrRequest` and `ReplicaManager.becomeLeaderOrFollower`).
    static func leaderAndIsr(context: BrokerContext) -> BrokerApi {
        BrokerApi(apiKey: .leaderAndIsr, versions: 0...5, audience: .controller) { header, buffer, _ in
            // Each partition state becomes the broker's own as it is decoded: the generated request's
            // arrays for 100,000 partitions are never all alive beside ours.
            let decoded = try LeaderAndIsrRequest.decode(from: &buffer, version: header.apiVersion) { state, topic in
                ReplicaManager.BecomeLeaderOrFollower(state, topic: topic)
            }
            let response = await leaderAndIsrResponse(
                decoded.request, states: decoded.partitions, version: header.apiVersion, context: context)
            return .send(ResponseFrame.make(response, correlationID: header.correlationId, version: header.apiVersion))
        }
    }

    private static func leaderAndIsrResponse(
        _ request: LeaderAndIsrRequest, states: [ReplicaManager.BecomeLeaderOrFollower], version: Int16, context: BrokerContext
    ) async -> LeaderAndIsrResponse {
        func response(_ error: KafkaErrorCode, partitionErrors: [TopicPartition: KafkaErrorCode] = [:]) -> LeaderAndIsrResponse {
            let all = states.map { ($0.topicPartition, partitionErrors[$0.topicPartition] ?? error) }
            if version >= 5 {
                let byTopic = Dictionary(grouping: all, by: { $0.0.topic })
                let topicIDs = Dictionary(request.topicStates.map { ($0.topicName, $0.topicId) }, uniquingKeysWith: { first, _ in first })
                return LeaderAndIsrResponse(
                    errorCode: error.rawValue,
                    topics: byTopic.keys.sorted().map { topic in
                        .init(topicId: topicIDs[topic] ?? .zero,
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
                states,
                leaderEndpoints: endpoints,
                topicConfig: { [logger = context.logger] topic in
                    // A log created with the wrong config is worse than a late one (a compacted topic would be
                    // cleaned by retention): failures are logged, not swallowed.
                    do {
                        return try await administration.topicConfig(topic)
                    } catch {
                        logger.error("Could not read the config of topic \(topic); its new logs use the broker's defaults: \(error)")
                        return nil
                    }
                })
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

extension ReplicaManager.BecomeLeaderOrFollower {
    /// One partition state of a LeaderAndIsr request, as the replica manager applies it.
    public init(_ state: LeaderAndIsrRequest.LeaderAndIsrPartitionState, topic: String) {
        self.init(
            topicPartition: TopicPartition(topic: topic, partition: state.partitionIndex),
            leadership: LeaderISRAndControllerEpoch(
                leader: state.leader, leaderEpoch: state.leaderEpoch, isr: state.isr, zkVersion: state.zkVersion,
                controllerEpoch: state.controllerEpoch),
            replicas: state.replicas)
    }
}
