import KafkaGroupCoordinator
import KafkaMetadata
import KafkaModel
import KafkaProtocol

extension BrokerApiTable {
    /// FindCoordinator (key 10, v0–v2), Kafka 2.8 `handleFindCoordinatorRequest` for groups: the
    /// coordinator is the leader of `__consumer_offsets` partition abs(groupId.hashCode) mod
    /// `offsets.topic.num.partitions`. The first lookup creates the topic through the same path as
    /// CreateTopics (KIP-115: only once `offsets.topic.replication.factor` brokers are alive) and
    /// answers COORDINATOR_NOT_AVAILABLE until its partition has a live leader; clients retry.
    static func findCoordinator(context: BrokerContext) -> BrokerApi {
        .typed(FindCoordinatorRequest.self, versions: 0...2) { request, header, requestContext in
            func unavailable(_ message: String) -> FindCoordinatorResponse {
                FindCoordinatorResponse(
                    throttleTimeMs: 0, errorCode: KafkaErrorCode.coordinatorNotAvailable.rawValue, errorMessage: message,
                    nodeId: -1, host: "", port: -1)
            }
            // Key type 1 (transactions): there is no transaction coordinator.
            guard request.keyType == 0 else { return unavailable("There is no transaction coordinator.") }
            let snapshot = context.metadataCache.snapshot
            guard snapshot.contains(topic: GroupCoordinator.offsetsTopic) else {
                await createOffsetsTopic(context: context, snapshot: snapshot)
                return unavailable("The coordinator is not available.")
            }
            let partition = context.groupCoordinator.partitionFor(request.key)
            guard let state = snapshot.partition(TopicPartition(topic: GroupCoordinator.offsetsTopic, partition: partition)),
                state.leader >= 0,
                let (_, endpoint) = snapshot.aliveBrokers(listenerName: requestContext.listenerName).first(where: { $0.0.id == state.leader })
            else { return unavailable("The coordinator is not available.") }
            return FindCoordinatorResponse(
                throttleTimeMs: 0, errorCode: 0, errorMessage: header.apiVersion >= 1 ? "NONE" : nil, nodeId: state.leader,
                host: endpoint.host, port: endpoint.port)
        }
    }

    /// Kafka's `createInternalTopic` for `__consumer_offsets`: `offsets.topic.num.partitions`,
    /// `offsets.topic.replication.factor`, compacted, `offsets.topic.segment.bytes` segments.
    private static func createOffsetsTopic(context: BrokerContext, snapshot: MetadataSnapshot) async {
        let config = context.config
        guard snapshot.liveBrokers.count >= Int(config.offsetsTopicReplicationFactor) else {
            context.logger.error(
                "Number of alive brokers '\(snapshot.liveBrokers.count)' does not meet the required replication factor '\(config.offsetsTopicReplicationFactor)' for the offsets topic (configured via 'offsets.topic.replication.factor'). This error can be ignored if the cluster is starting up and not all brokers are up yet.")
            return
        }
        let topic = CreateTopicsRequest.CreatableTopic(
            name: GroupCoordinator.offsetsTopic, numPartitions: config.offsetsTopicNumPartitions,
            replicationFactor: config.offsetsTopicReplicationFactor,
            configs: [
                .init(name: "cleanup.policy", value: "compact"),
                .init(name: "compression.type", value: "producer"),
                .init(name: "segment.bytes", value: String(config.offsetsTopicSegmentBytes)),
            ])
        switch await TopicCreation.create(topic, validateOnly: false, context: context, snapshot: snapshot) {
        case .created, .validated: break
        case .failed(let code, let message):
            if code != .topicAlreadyExists {
                context.logger.error("Could not create \(GroupCoordinator.offsetsTopic): \(message ?? "\(code)")")
            }
        }
    }
}
