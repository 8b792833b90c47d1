import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol
import KafkaQuorumController
import KafkaRaftProtocol

/// Each controller API: request → ``QuorumController`` operation → response, with NOT_CONTROLLER (41) where the
/// operation found no active controller (Kafka 3.3's `ControllerApis` handlers).
extension QuorumControllerRequestHandler {
    static let notController = KafkaErrorCode.notController.rawValue

    func registerBroker(_ request: BrokerRegistrationRequest) async -> BrokerRegistrationResponse {
        let input = BrokerRegistrationInput(
            brokerID: request.brokerId, incarnationID: request.incarnationId,
            endpoints: request.listeners.map {
                BrokerEndpoint(
                    listenerName: $0.name, host: $0.host, port: Int32($0.port),
                    securityProtocol: SecurityProtocolID.name($0.securityProtocol))
            },
            rack: request.rack)
        let outcome = await run { controller, now in
            let result = controller.registerBroker(input, now: now)
            return (result.records, result.response)
        }
        guard let outcome else { return BrokerRegistrationResponse(errorCode: Self.notController, brokerEpoch: -1) }
        return BrokerRegistrationResponse(errorCode: outcome.errorCode.rawValue, brokerEpoch: outcome.brokerEpoch)
    }

    func heartbeat(_ request: BrokerHeartbeatRequest) async -> BrokerHeartbeatResponse {
        let input = BrokerHeartbeatInput(
            brokerID: request.brokerId, brokerEpoch: request.brokerEpoch,
            currentMetadataOffset: request.currentMetadataOffset, wantFence: request.wantFence,
            wantShutDown: request.wantShutDown)
        let outcome = await run { controller, now in
            let result = controller.processBrokerHeartbeat(input, now: now)
            return (result.records, result.response)
        }
        guard let outcome else {
            return BrokerHeartbeatResponse(errorCode: Self.notController, isCaughtUp: false, isFenced: true, shouldShutDown: false)
        }
        return BrokerHeartbeatResponse(
            errorCode: outcome.errorCode.rawValue, isCaughtUp: outcome.isCaughtUp, isFenced: outcome.isFenced,
            shouldShutDown: outcome.shouldShutDown)
    }

    func unregister(_ request: UnregisterBrokerRequest) async -> UnregisterBrokerResponse {
        let broker = request.brokerId
        let outcome = await run { controller, _ in
            let result = controller.unregisterBroker(broker)
            return (result.records, result.response)
        }
        let code = outcome ?? .notController
        return UnregisterBrokerResponse(
            errorCode: code.rawValue, errorMessage: code == .brokerIDNotRegistered ? "Broker ID \(broker) not registered" : nil)
    }

    /// AlterPartition v0/v1 name topics, v2 gives topic ids (resolved by the controller; UNKNOWN_TOPIC_ID if none).
    func alterPartition(_ request: AlterPartitionRequest, version: Int16) async -> AlterPartitionResponse {
        let byID = version >= 2
        let outcome = await run { controller, _ in
            var unknown: [(AlterPartitionRequest.TopicData, AlterPartitionRequest.PartitionData)] = []
            var inputs: [AlterPartitionInput] = []
            for topic in request.topics {
                let name = byID ? controller.state.topics[topic.topicId]?.name : topic.topicName
                for partition in topic.partitions {
                    guard let name else {
                        unknown.append((topic, partition))
                        continue
                    }
                    inputs.append(AlterPartitionInput(
                        topicPartition: TopicPartition(topic: name, partition: partition.partitionIndex),
                        leaderEpoch: partition.leaderEpoch, newISR: partition.newIsr,
                        partitionEpoch: partition.partitionEpoch))
                }
            }
            let result = controller.alterPartition(brokerID: request.brokerId, brokerEpoch: request.brokerEpoch, partitions: inputs)
            let ids = Dictionary(controller.state.topics.values.map { ($0.name, $0.id) }) { first, _ in first }
            return (result.records, (result.response, unknown.map { ($0.0.topicId, $0.1.partitionIndex) }, ids))
        }
        guard let (outcomes, unknown, ids) = outcome else {
            return AlterPartitionResponse(errorCode: Self.notController, topics: [])
        }
        var topics: [AlterPartitionResponse.TopicData] = []
        for outcome in outcomes {
            var code = outcome.errorCode
            if version < 2, code == .ineligibleReplica { code = .operationNotAttempted }
            let entry = AlterPartitionResponse.PartitionData(
                partitionIndex: outcome.topicPartition.partition, errorCode: code.rawValue, leaderId: outcome.leader,
                leaderEpoch: outcome.leaderEpoch, isr: outcome.isr, partitionEpoch: outcome.partitionEpoch)
            let name = outcome.topicPartition.topic
            if let index = topics.firstIndex(where: { $0.topicName == name }) {
                topics[index].partitions.append(entry)
            } else {
                topics.append(AlterPartitionResponse.TopicData(
                    topicName: byID ? "" : name, topicId: byID ? ids[name] ?? .zero : .zero, partitions: [entry]))
            }
        }
        for (topicID, partition) in unknown {
            topics.append(AlterPartitionResponse.TopicData(
                topicId: topicID,
                partitions: [.init(partitionIndex: partition, errorCode: KafkaErrorCode.unknownTopicID.rawValue, leaderId: -1)]))
        }
        return AlterPartitionResponse(errorCode: KafkaErrorCode.none.rawValue, topics: topics)
    }

    func createTopics(_ request: CreateTopicsRequest) async -> CreateTopicsResponse {
        let topics = request.topics
        let validateOnly = request.validateOnly
        let outcome = await run { controller, _ in
            // Kafka draws the topic id and the placement's start at random; the core takes them as inputs.
            let brokers = max(1, controller.state.unfencedBrokerIDs.count)
            let inputs = topics.map { topic in
                CreateTopicInput(
                    name: topic.name, topicID: Self.randomTopicID(), numPartitions: topic.numPartitions,
                    replicationFactor: topic.replicationFactor,
                    assignments: topic.assignments.isEmpty
                        ? nil : Dictionary(topic.assignments.map { ($0.partitionIndex, $0.brokerIds) }) { first, _ in first },
                    configs: Dictionary(topic.configs.compactMap { c in c.value.map { (c.name, $0) } }) { _, last in last },
                    placementStartIndex: Int.random(in: 0..<brokers), placementReplicaShift: Int.random(in: 0..<brokers))
            }
            let result = controller.createTopics(inputs)
            return (validateOnly ? [] : result.records, result.response)
        }
        guard let outcome else {
            return CreateTopicsResponse(topics: topics.map {
                .init(name: $0.name, errorCode: Self.notController, numPartitions: -1, replicationFactor: -1)
            })
        }
        return CreateTopicsResponse(topics: outcome.map {
            .init(
                name: $0.name, topicId: $0.topicID, errorCode: $0.errorCode.rawValue, errorMessage: $0.errorMessage,
                numPartitions: $0.numPartitions, replicationFactor: $0.replicationFactor)
        })
    }

    /// DeleteTopics by name (v0-v5) or, from v6, by name or id.
    func deleteTopics(_ request: DeleteTopicsRequest) async -> DeleteTopicsResponse {
        let named = request.topicNames
        let states = request.topics
        let outcome = await run { controller, _ in
            var names = named
            var unknownIDs: [KafkaUUID] = []
            for topic in states {
                if let name = topic.name {
                    names.append(name)
                } else if let name = controller.state.topics[topic.topicId]?.name {
                    names.append(name)
                } else {
                    unknownIDs.append(topic.topicId)
                }
            }
            let ids = Dictionary(names.compactMap { n in controller.state.topicIDsByName[n].map { (n, $0) } }) { a, _ in a }
            let result = controller.deleteTopics(names)
            return (result.records, (names, result.response, unknownIDs, ids))
        }
        guard let (names, codes, unknownIDs, ids) = outcome else {
            return DeleteTopicsResponse(responses: (named + states.compactMap(\.name)).map {
                .init(name: $0, errorCode: Self.notController)
            })
        }
        var seen: Set<String> = []
        var responses: [DeleteTopicsResponse.DeletableTopicResult] = names.compactMap { name in
            guard seen.insert(name).inserted else { return nil }
            return .init(name: name, topicId: ids[name] ?? .zero, errorCode: (codes[name] ?? .unknownTopicOrPartition).rawValue)
        }
        responses += unknownIDs.map { .init(name: nil, topicId: $0, errorCode: KafkaErrorCode.unknownTopicID.rawValue) }
        return DeleteTopicsResponse(responses: responses)
    }

    func createPartitions(_ request: CreatePartitionsRequest) async -> CreatePartitionsResponse {
        let topics = request.topics
        let validateOnly = request.validateOnly
        let outcome = await run { controller, _ in
            var records: [MetadataRecord] = []
            var codes: [KafkaErrorCode] = []
            var scratch = controller
            for topic in topics {
                guard (topic.assignments ?? []).isEmpty else {
                    // Deliberate gap: the core places new partitions itself (docs/kraft.md).
                    codes.append(.invalidReplicaAssignment)
                    continue
                }
                let brokers = max(1, scratch.state.unfencedBrokerIDs.count)
                let result = scratch.createPartitions(
                    topic: topic.name, count: topic.count, placementStartIndex: Int.random(in: 0..<brokers),
                    placementReplicaShift: Int.random(in: 0..<brokers))
                codes.append(result.response)
                // Later topics in the request see the earlier ones' partitions (the records replay in order).
                scratch.append(result.records)
                records += result.records
            }
            return (validateOnly ? [] : records, codes)
        }
        let codes = outcome ?? topics.map { _ in .notController }
        return CreatePartitionsResponse(results: zip(topics, codes).map { topic, code in
            .init(
                name: topic.name, errorCode: code.rawValue,
                errorMessage: code == .invalidReplicaAssignment
                    ? "manual partition assignments are not supported by this controller" : code == .none ? nil : "\(code)")
        })
    }

    static func randomTopicID() -> KafkaUUID {
        let bytes = KafkaUuid.random().bytes
        let most = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let least = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return KafkaUUID(mostSignificantBits: most, leastSignificantBits: least)
    }
}
