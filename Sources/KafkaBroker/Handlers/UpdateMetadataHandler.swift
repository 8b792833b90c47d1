import KafkaMetadata
import KafkaModel
import KafkaProtocol

extension BrokerApiTable {
    /// UpdateMetadata (key 6), from the ZooKeeper-mode controller: fenced by controller and broker
    /// epoch, then applied to the metadata cache (Kafka's `handleUpdateMetadataRequest` and
    /// `ReplicaManager.maybeUpdateMetadataCache`).
    static func updateMetadata(context: BrokerContext) -> BrokerApi {
        BrokerApi(apiKey: .updateMetadata, versions: 0...7, audience: .controller) { header, buffer, _ in
            // Partition states become the metadata cache's own as they are decoded (see
            // ConvertedPartitionStates): the generated arrays for 100,000 partitions never coexist with them.
            let decoded = try UpdateMetadataRequest.decode(
                from: &buffer, version: header.apiVersion, convertingPartitions: metadataPartitionState)
            let response = updateMetadataResponse(decoded.request, partitions: decoded.partitions, header: header, context: context)
            return .send(ResponseFrame.make(response, correlationID: header.correlationId, version: header.apiVersion))
        }
    }

    private static func updateMetadataResponse(
        _ request: UpdateMetadataRequest, partitions: [UpdateMetadataPartitionState], header: RequestHeader, context: BrokerContext
    ) -> UpdateMetadataResponse {
        switch context.fence.admit(controllerEpoch: request.controllerEpoch, brokerEpoch: request.brokerEpoch) {
        case .staleBrokerEpoch(let stale, let current):
            context.logger.info(
                "Received UpdateMetadata request with stale broker epoch \(stale) (current \(current)) from controller \(request.controllerId)")
            return UpdateMetadataResponse(errorCode: KafkaErrorCode.staleBrokerEpoch.rawValue)
        case .staleControllerEpoch(let stale, let current):
            context.logger.warning(
                "Ignoring UpdateMetadata from controller \(request.controllerId) with correlation id \(header.correlationId): its controller epoch \(stale) is older than the current controller epoch \(current)")
            return UpdateMetadataResponse(errorCode: KafkaErrorCode.staleControllerEpoch.rawValue)
        case .accept:
            context.metadataCache.apply(metadataUpdate(from: request, partitions: partitions, version: header.apiVersion))
            return UpdateMetadataResponse(errorCode: KafkaErrorCode.none.rawValue)
        }
    }

    /// One decoded partition state as the metadata cache keeps it.
    static func metadataPartitionState(
        _ state: UpdateMetadataRequest.UpdateMetadataPartitionState, topic: String
    ) -> UpdateMetadataPartitionState {
        UpdateMetadataPartitionState(
            topicPartition: TopicPartition(topic: topic, partition: state.partitionIndex),
            leadership: LeaderISRAndControllerEpoch(
                leader: state.leader, leaderEpoch: state.leaderEpoch, isr: state.isr, zkVersion: state.zkVersion,
                controllerEpoch: state.controllerEpoch),
            replicas: state.replicas, offlineReplicas: state.offlineReplicas)
    }

    /// The cache update for `request`, whose partition states were converted while decoding.
    static func metadataUpdate(
        from request: UpdateMetadataRequest, partitions: [UpdateMetadataPartitionState], version: Int16
    ) -> MetadataUpdate {
        let brokers = request.liveBrokers.map { broker in
            let endpoints: [BrokerEndpoint] =
                version == 0
                ? [BrokerEndpoint(listenerName: "PLAINTEXT", host: broker.v0Host, port: broker.v0Port, securityProtocol: "PLAINTEXT")]
                : broker.endpoints.map { endpoint in
                    let securityProtocol = SecurityProtocol.name(id: endpoint.securityProtocol)
                    return BrokerEndpoint(
                        listenerName: version >= 3 ? endpoint.listener : securityProtocol, host: endpoint.host,
                        port: endpoint.port, securityProtocol: securityProtocol)
                }
            return BrokerInfo(id: broker.id, endpoints: endpoints, rack: broker.rack, epoch: -1)
        }
        var topicIDs: [String: KafkaTopicID] = [:]
        for topic in request.topicStates { topicIDs[topic.topicName] = KafkaTopicID(topic.topicId) }
        return MetadataUpdate(
            controllerID: request.controllerId, controllerEpoch: request.controllerEpoch, liveBrokers: brokers,
            partitions: partitions, topicIDs: topicIDs)
    }
}

/// Kafka's `SecurityProtocol` ids as they travel in UpdateMetadata endpoints.
enum SecurityProtocol {
    static let names: [Int16: String] = [0: "PLAINTEXT", 1: "SSL", 2: "SASL_PLAINTEXT", 3: "SASL_SSL"]

    static func name(id: Int16) -> String { names[id] ?? "UNKNOWN(\(id))" }

    static func id(name: String) -> Int16 { names.first { $0.value == name }?.key ?? 0 }
}

extension KafkaTopicID {
    /// The UUID's 16 bytes, most significant half first (its wire order).
    init(_ uuid: KafkaUUID) {
        let halves = [uuid.mostSignificantBits, uuid.leastSignificantBits]
        self.init(bytes: halves.flatMap { half in (0..<8).map { UInt8(truncatingIfNeeded: half >> (56 - 8 * UInt64($0))) } })
    }
}
