import KafkaController
import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol

/// Topic creation and deletion, partition creation and AlterPartition (Kafka 3.3's
/// `ReplicationControlManager`), placing replicas with ZooKeeper mode's ``ReplicaAssignmentAlgorithm``
/// over the unfenced brokers.
extension QuorumController {
    /// CreateTopics: per topic, ConfigRecords, a TopicRecord and one PartitionRecord per partition. Each new
    /// partition's ISR is its unfenced replicas and its leader the first of them, at leader and partition
    /// epoch 0. Topics are validated one by one; a failed topic adds no records.
    public func createTopics(_ topics: [CreateTopicInput]) -> ControllerResult<[CreateTopicOutcome]> {
        var records: [MetadataRecord] = []
        var outcomes: [CreateTopicOutcome] = []
        var namesInRequest: Set<String> = []
        for topic in topics {
            switch createTopicRecords(topic, duplicate: !namesInRequest.insert(topic.name).inserted) {
            case .success(let (topicRecords, partitions, replicationFactor)):
                records += topicRecords
                outcomes.append(CreateTopicOutcome(
                    name: topic.name, errorCode: .none, errorMessage: nil, topicID: topic.topicID,
                    numPartitions: partitions, replicationFactor: replicationFactor))
            case .failure(let error):
                outcomes.append(CreateTopicOutcome(
                    name: topic.name, errorCode: error.code, errorMessage: error.message, topicID: .zero,
                    numPartitions: -1, replicationFactor: -1))
            }
        }
        return ControllerResult(records: records, response: outcomes)
    }

    /// DeleteTopics by name: a RemoveTopicRecord per known topic (its partitions and configs go with it).
    public func deleteTopics(_ names: [String]) -> ControllerResult<[String: KafkaErrorCode]> {
        var records: [MetadataRecord] = []
        var outcomes: [String: KafkaErrorCode] = [:]
        for name in names {
            guard let id = state.topicIDsByName[name] else {
                outcomes[name] = .unknownTopicOrPartition
                continue
            }
            if outcomes[name] == nil { records.append(.removeTopic(RemoveTopicRecord(topicId: id))) }
            outcomes[name] = KafkaErrorCode.none
        }
        return ControllerResult(records: records, response: outcomes)
    }

    /// CreatePartitions: grows `topic` to `count` partitions, placing the new ones with the replication
    /// factor of partition 0, starting at the next partition id.
    public func createPartitions(
        topic: String, count: Int32, placementStartIndex: Int = 0, placementReplicaShift: Int = 0
    ) -> ControllerResult<KafkaErrorCode> {
        guard let info = state.topic(named: topic) else {
            return ControllerResult(records: [], response: .unknownTopicOrPartition)
        }
        let current = Int32(info.partitions.count)
        guard count > current else { return ControllerResult(records: [], response: .invalidPartitions) }
        let replicationFactor = info.partitions[0]?.replicas.count ?? 1
        guard
            let placed = try? ReplicaAssignmentAlgorithm.assignReplicasToBrokers(
                brokers: state.unfencedBrokerIDs, partitionCount: count - current, replicationFactor: replicationFactor,
                startIndex: placementStartIndex, nextReplicaShift: placementReplicaShift, startPartitionID: current)
        else { return ControllerResult(records: [], response: .invalidReplicationFactor) }
        let records = placed.keys.sorted().map { id in
            MetadataRecord.partition(PartitionRegistration(replicas: placed[id]!, isr: placed[id]!, leader: placed[id]![0])
                .record(topicID: info.id, partitionID: id))
        }
        return ControllerResult(records: records, response: .none)
    }

    /// A topic config change (IncrementalAlterConfigs SET / DELETE for a topic): one ConfigRecord.
    public func setTopicConfig(topic: String, key: String, value: String?) -> ControllerResult<KafkaErrorCode> {
        guard state.topicIDsByName[topic] != nil else {
            return ControllerResult(records: [], response: .unknownTopicOrPartition)
        }
        let record = ConfigRecord(
            resourceType: QuorumControllerState.topicResourceType, resourceName: topic, name: key, value: value)
        return ControllerResult(records: [.config(record)], response: .none)
    }

    // MARK: - Validation and placement

    struct CreateTopicError: Error {
        var code: KafkaErrorCode
        var message: String
    }

    private func createTopicRecords(
        _ topic: CreateTopicInput, duplicate: Bool
    ) -> Result<([MetadataRecord], Int32, Int16), CreateTopicError> {
        if duplicate { return .failure(.init(code: .invalidRequest, message: "Duplicate topic name.")) }
        if let problem = TopicNameRule.problem(with: topic.name) {
            return .failure(.init(code: .invalidTopicException, message: problem))
        }
        if state.topicIDsByName[topic.name] != nil {
            return .failure(.init(code: .topicAlreadyExists, message: "Topic '\(topic.name)' already exists."))
        }
        let assignment: [Int32: [BrokerID]]
        switch placement(for: topic) {
        case .success(let placed): assignment = placed
        case .failure(let error): return .failure(error)
        }
        let unfenced = Set(state.unfencedBrokerIDs)
        var records: [MetadataRecord] = topic.configs.keys.sorted().map { key in
            .config(ConfigRecord(
                resourceType: QuorumControllerState.topicResourceType, resourceName: topic.name, name: key,
                value: topic.configs[key]))
        }
        records.append(.topic(TopicRecord(name: topic.name, topicId: topic.topicID)))
        for id in assignment.keys.sorted() {
            let replicas = assignment[id]!
            let isr = replicas.filter(unfenced.contains)
            guard let leader = isr.first else {
                return .failure(.init(
                    code: .invalidReplicationFactor,
                    message: "All brokers specified in the partition assignment for partition \(id) are fenced."))
            }
            records.append(.partition(PartitionRegistration(replicas: replicas, isr: isr, leader: leader)
                .record(topicID: topic.topicID, partitionID: id)))
        }
        let replicationFactor = Int16(assignment[0]?.count ?? 0)
        return .success((records, Int32(assignment.count), replicationFactor))
    }

    private func placement(for topic: CreateTopicInput) -> Result<[Int32: [BrokerID]], CreateTopicError> {
        if let manual = topic.assignments {
            guard topic.numPartitions == -1, topic.replicationFactor == -1 else {
                return .failure(.init(
                    code: .invalidRequest,
                    message: "A manual partition assignment was specified, but numPartitions or replicationFactor was not set to -1."))
            }
            let ids = manual.keys.sorted()
            guard !ids.isEmpty, ids == Array(0..<Int32(ids.count)) else {
                return .failure(.init(code: .invalidReplicaAssignment, message: "Partition ids must be consecutive from 0."))
            }
            for id in ids {
                let replicas = manual[id]!
                guard !replicas.isEmpty, Set(replicas).count == replicas.count,
                    replicas.count == manual[0]!.count
                else {
                    return .failure(.init(code: .invalidReplicaAssignment, message: "Invalid replicas for partition \(id)."))
                }
                if let unknown = replicas.first(where: { state.brokers[$0] == nil }) {
                    return .failure(.init(
                        code: .invalidReplicaAssignment,
                        message: "The manual partition assignment includes broker \(unknown), but no such broker is registered."))
                }
            }
            return .success(manual)
        }
        let partitions = topic.numPartitions == -1 ? config.defaultNumPartitions : topic.numPartitions
        let replicationFactor = topic.replicationFactor == -1 ? config.defaultReplicationFactor : topic.replicationFactor
        guard partitions > 0 else {
            return .failure(.init(code: .invalidPartitions, message: "Number of partitions was set to an invalid non-positive value."))
        }
        guard replicationFactor > 0 else {
            return .failure(.init(code: .invalidReplicationFactor, message: "Replication factor must be larger than 0."))
        }
        let brokers = state.unfencedBrokerIDs
        guard Int(replicationFactor) <= brokers.count else {
            return .failure(.init(
                code: .invalidReplicationFactor,
                message: "Unable to replicate the partition \(replicationFactor) time(s): The target replication factor of \(replicationFactor) cannot be reached because only \(brokers.count) broker(s) are registered."))
        }
        do {
            return .success(try ReplicaAssignmentAlgorithm.assignReplicasToBrokers(
                brokers: brokers, partitionCount: partitions, replicationFactor: Int(replicationFactor),
                startIndex: topic.placementStartIndex, nextReplicaShift: topic.placementReplicaShift))
        } catch {
            return .failure(.init(code: .invalidReplicationFactor, message: error.description))
        }
    }
}
