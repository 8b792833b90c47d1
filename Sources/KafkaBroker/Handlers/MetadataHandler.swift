import KafkaMetadata
import KafkaModel
import KafkaProtocol

extension BrokerApiTable {
    /// Metadata (key 3), answered from the metadata cache (Kafka's `handleTopicMetadataRequest`):
    /// the live brokers' endpoints on the listener the request came in on, the controller id, and
    /// each requested topic's partitions with leader, replicas and ISR.
    static func metadata(context: BrokerContext) -> BrokerApi {
        BrokerApi(apiKey: .metadata, versions: 0...5, audience: .clients) { header, buffer, requestContext in
            let request = try MetadataRequest(from: &buffer, version: header.apiVersion)
            let snapshot = context.metadataCache.snapshot
            // v0: an empty list means all topics. v1+: null means all, empty means none.
            let requested: [String]? =
                if header.apiVersion == 0 && (request.topics?.isEmpty ?? true) {
                    nil
                } else {
                    request.topics.map { $0.compactMap(\.name) }
                }
            let names = requested ?? snapshot.topics
            let brokers = snapshot.aliveBrokers(listenerName: requestContext.listenerName).map { broker, endpoint in
                MetadataResponse.MetadataResponseBroker(nodeId: broker.id, host: endpoint.host, port: endpoint.port, rack: broker.rack)
            }
            // Encoded topic by topic: only one topic's partition values exist at a time.
            var topics = MetadataResponseWriter(
                head: MetadataResponse(
                    throttleTimeMs: 0, brokers: brokers, clusterId: context.clusterID, controllerId: snapshot.controllerID ?? -1),
                topicCount: names.count, correlationID: header.correlationId, version: header.apiVersion)
            // v0–v3 always allow auto-creation; v4+ say so per request (KIP-204).
            let allowAutoCreation = (header.apiVersion < 4 || request.allowAutoTopicCreation) && context.config.autoCreateTopicsEnable
            for name in names {
                if snapshot.contains(topic: name) {
                    topics.append(topicMetadata(name, snapshot: snapshot))
                } else if !TopicName.isValid(name) {
                    topics.append(MetadataResponse.MetadataResponseTopic(errorCode: KafkaErrorCode.invalidTopicException.rawValue, name: name))
                } else if allowAutoCreation && requested != nil {
                    let error = await autoCreate(name, context: context, snapshot: snapshot)
                    topics.append(MetadataResponse.MetadataResponseTopic(errorCode: error.rawValue, name: name))
                } else {
                    topics.append(MetadataResponse.MetadataResponseTopic(errorCode: KafkaErrorCode.unknownTopicOrPartition.rawValue, name: name))
                }
            }
            return .send(topics.finish())
        }
    }

    /// Kafka 2.8 `KafkaApis.createTopic` for `auto.create.topics.enable`: `num.partitions` and
    /// `default.replication.factor`, answered LEADER_NOT_AVAILABLE until the controller elected
    /// leaders (the client retries), or the creation's own error (e.g. INVALID_REPLICATION_FACTOR).
    /// Replicas are placed on the brokers registered in `/brokers/ids`, as Kafka's `AdminZkClient.createTopic`
    /// does, not on the metadata cache's: a broker that has not had its first UpdateMetadata yet (just restarted)
    /// knows no live brokers and would answer INVALID_REPLICATION_FACTOR, a permanent error to librdkafka, even for
    /// a topic that exists; this way it finds the topic and answers LEADER_NOT_AVAILABLE, which clients retry.
    ///
    /// And a topic that exists in the control plane but not (yet) in this cache is answered LEADER_NOT_AVAILABLE at
    /// once, before any placement: after a whole-cluster restart fewer brokers than the replication factor may be
    /// registered yet, and placing replicas would answer INVALID_REPLICATION_FACTOR for a topic that exists (seen
    /// with `zkafka chaos`: librdkafka's producer gave up on the topic for good).
    private static func autoCreate(_ name: String, context: BrokerContext, snapshot: MetadataSnapshot) async -> KafkaErrorCode {
        if (try? await context.topicAdministration.topicExists(name)) == true { return .leaderNotAvailable }
        let topic = CreateTopicsRequest.CreatableTopic(
            name: name, numPartitions: TopicCreation.useDefault, replicationFactor: Int16(TopicCreation.useDefault))
        switch await TopicCreation.create(
            topic, validateOnly: false, context: context, snapshot: snapshot, brokerSource: .controlPlane)
        {
        case .created, .validated: return .leaderNotAvailable
        case .failed(let code, let message):
            if code == .topicAlreadyExists { return .leaderNotAvailable }
            context.logger.info("Auto-creation of topic \(name) failed: \(message ?? "\(code)")")
            return code
        }
    }

    private static func topicMetadata(_ name: String, snapshot: MetadataSnapshot) -> MetadataResponse.MetadataResponseTopic {
        let partitions = snapshot.partitions(of: name).map { state in
            let leaderAlive = state.leader >= 0 && snapshot.isAlive(state.leader)
            return MetadataResponse.MetadataResponsePartition(
                errorCode: leaderAlive ? KafkaErrorCode.none.rawValue : KafkaErrorCode.leaderNotAvailable.rawValue,
                partitionIndex: state.topicPartition.partition,
                leaderId: leaderAlive ? state.leader : -1,
                leaderEpoch: state.leaderEpoch,
                replicaNodes: state.replicas,
                isrNodes: state.isr,
                offlineReplicas: state.offlineReplicas)
        }
        return MetadataResponse.MetadataResponseTopic(
            errorCode: KafkaErrorCode.none.rawValue, name: name, isInternal: name == TopicName.consumerOffsets,
            partitions: partitions)
    }
}
