import KafkaController
import KafkaMetadata
import KafkaModel
import KafkaProtocol

extension BrokerApiTable {
    /// CreateTopics (key 19), answered by the active controller only (Kafka 2.8's
    /// `KafkaApis.handleCreateTopicsRequest` + `ZkAdminManager.createTopics`): validate each topic,
    /// assign replicas over the live brokers (rack-unaware, random start and shift), write
    /// `/config/topics/<t>` then `/brokers/topics/<t>`, and wait (at most `timeoutMs`) until the
    /// metadata cache shows a leader for every new partition, as Kafka's `DelayedCreatePartitions`.
    static func createTopics(context: BrokerContext) -> BrokerApi {
        .typed(CreateTopicsRequest.self, versions: 0...4) { request, header, _ in
            let snapshot = context.metadataCache.snapshot
            guard snapshot.controllerID == context.brokerID || context.topicAdministration.forwardsToController else {
                return CreateTopicsResponse(
                    throttleTimeMs: 0,
                    topics: request.topics.map {
                        .init(name: $0.name, errorCode: KafkaErrorCode.notController.rawValue, errorMessage: nil)
                    })
            }
            var outcomes: [String: TopicCreationOutcome] = [:]
            // Partitions created by earlier topics of this request count against max.partitions too.
            var pending = 0
            let existing = snapshot.partitionCount
            let counts = Dictionary(request.topics.map { ($0.name, 1) }, uniquingKeysWith: +)
            for topic in request.topics where outcomes[topic.name] == nil {
                if counts[topic.name, default: 0] > 1 {
                    outcomes[topic.name] = .failed(.invalidRequest, "Found multiple entries for this topic.")
                    continue
                }
                let outcome = await TopicCreation.create(
                    topic, validateOnly: request.validateOnly, context: context, snapshot: snapshot,
                    existingPartitions: existing + pending)
                if case .created(let partitions) = outcome { pending += partitions }
                outcomes[topic.name] = outcome
            }
            let created = outcomes.compactMapValues { outcome -> Int? in
                if case .created(let partitions) = outcome { partitions } else { nil }
            }
            var timedOut: Set<String> = []
            if !created.isEmpty {
                if request.timeoutMs <= 0 {
                    // Kafka answers REQUEST_TIMED_OUT at once for created topics when the timeout is 0.
                    timedOut = Set(created.keys)
                } else {
                    timedOut = await TopicCreation.waitForLeaders(
                        created, metadataCache: context.metadataCache, timeoutMs: request.timeoutMs)
                }
            }
            var results: [CreateTopicsResponse.CreatableTopicResult] = []
            var reported: Set<String> = []
            for topic in request.topics where reported.insert(topic.name).inserted {
                let (code, message): (KafkaErrorCode, String?) =
                    switch outcomes[topic.name] {
                    case .failed(let code, let message): (code, message)
                    case .created: timedOut.contains(topic.name) ? (.requestTimedOut, nil) : (KafkaErrorCode.none, nil)
                    case .validated, nil: (KafkaErrorCode.none, nil)
                    }
                if code != KafkaErrorCode.none {
                    context.logger.info(
                        "CreateTopics of '\(topic.name)' from client \(header.clientId ?? "-") failed: \(code.rawValue) \(message ?? "")")
                }
                results.append(.init(name: topic.name, errorCode: code.rawValue, errorMessage: message))
            }
            return CreateTopicsResponse(throttleTimeMs: 0, topics: results)
        }
    }
}

/// What happened to one topic of a CreateTopics request.
enum TopicCreationOutcome: Sendable {
    /// Written to ZooKeeper; the number of partitions to wait for.
    case created(partitions: Int)
    /// Valid, nothing written (`validateOnly`).
    case validated
    case failed(KafkaErrorCode, String?)
}

/// The steps of Kafka's `ZkAdminManager.createTopics` for one topic.
enum TopicCreation {
    /// Kafka's `CreateTopicsRequest.NO_NUM_PARTITIONS` / `NO_REPLICATION_FACTOR`.
    static let useDefault: Int32 = -1

    /// Where the live brokers that replicas are placed on come from.
    enum BrokerSource: Sendable {
        /// The metadata cache (CreateTopics: Kafka's `ZkAdminManager.createTopics` uses `metadataCache.getAliveBrokers`).
        case metadataCache
        /// The control plane's own record of registered brokers (auto-creation: Kafka's `AdminZkClient.createTopic`
        /// reads `/brokers/ids`), so a broker whose cache is still empty after a restart does not answer
        /// INVALID_REPLICATION_FACTOR for a topic that exists.
        case controlPlane
    }

    static func create(
        _ topic: CreateTopicsRequest.CreatableTopic, validateOnly: Bool, context: BrokerContext, snapshot: MetadataSnapshot,
        brokerSource: BrokerSource = .metadataCache, existingPartitions: Int? = nil
    ) async -> TopicCreationOutcome {
        if let problem = TopicName.problem(with: topic.name) { return .failed(.invalidTopicException, problem) }
        if snapshot.contains(topic: topic.name) { return .failed(.topicAlreadyExists, "Topic '\(topic.name)' already exists.") }
        let nullConfigs = topic.configs.filter { $0.value == nil }.map(\.name)
        if !nullConfigs.isEmpty {
            return .failed(.invalidRequest, "Null value not supported for topic configs : \(nullConfigs.joined(separator: ","))")
        }
        if (topic.numPartitions != useDefault || Int32(topic.replicationFactor) != useDefault) && !topic.assignments.isEmpty {
            return .failed(
                .invalidRequest,
                "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.")
        }
        // What the request asks for is checked against max.partitions before any replica is placed.
        let limits = TopicCreationLimits(maxPartitions: context.config.maxPartitions)
        let existingPartitions = existingPartitions ?? snapshot.partitionCount
        // Assignment: explicit, or Kafka's rack-unaware placement over the live brokers sorted by id.
        var assignment: [Int32: [BrokerID]] = [:]
        if topic.assignments.isEmpty {
            let partitions = topic.numPartitions == useDefault ? context.config.numPartitions : topic.numPartitions
            let replicationFactor =
                Int32(topic.replicationFactor) == useDefault
                ? Int(context.config.defaultReplicationFactor) : Int(topic.replicationFactor)
            if let problem = limits.problem(
                topic: topic.name, partitions: Int(partitions), replicationFactor: replicationFactor,
                existingPartitions: existingPartitions)
            {
                return .failed(problem.code, problem.message)
            }
            let brokers: [BrokerID]
            do {
                brokers = try await liveBrokers(context: context, snapshot: snapshot, source: brokerSource)
            } catch {
                return .failed(.unknownServerError, "could not read the live brokers: \(error)")
            }
            var generator = SystemRandomNumberGenerator()
            do throws(ReplicaAssignmentError) {
                assignment = try ReplicaAssignmentAlgorithm.assignReplicasToBrokers(
                    brokers: brokers, partitionCount: partitions,
                    replicationFactor: replicationFactor, using: &generator)
            } catch {
                switch error {
                case .invalidPartitions(let message): return .failed(.invalidPartitions, message)
                case .invalidReplicationFactor(let message): return .failed(.invalidReplicationFactor, message)
                }
            }
        } else {
            if let problem = limits.problem(
                topic: topic.name, partitions: topic.assignments.count,
                replicationFactor: topic.assignments.map(\.brokerIds.count).max() ?? 0,
                existingPartitions: existingPartitions)
            {
                return .failed(problem.code == .policyViolation ? problem.code : .invalidReplicaAssignment, problem.message)
            }
            // Like Kafka, brokers named in an explicit assignment are not checked against the live ones.
            for entry in topic.assignments { assignment[entry.partitionIndex] = entry.brokerIds }
        }
        if let problem = assignmentProblem(assignment) { return .failed(.invalidReplicaAssignment, problem) }
        var config: [String: String] = [:]
        for entry in topic.configs { config[entry.name] = entry.value }
        if let problem = TopicConfigDefinitions.problem(with: config) { return .failed(.invalidConfig, problem) }

        let administration = context.topicAdministration
        do {
            // AdminZkClient.validateTopicCreate: the znode, then names that collide once '.' and '_' unify.
            if try await administration.topicExists(topic.name) {
                return .failed(.topicAlreadyExists, "Topic '\(topic.name)' already exists.")
            }
            if topic.name.contains(".") || topic.name.contains("_") {
                let all = try await administration.allTopics()
                if all.contains(topic.name) { return .failed(.topicAlreadyExists, "Topic '\(topic.name)' already exists.") }
                let colliding = all.filter { unifyCollisionCharacters($0) == unifyCollisionCharacters(topic.name) }
                if !colliding.isEmpty {
                    return .failed(
                        .invalidTopicException,
                        "Topic '\(topic.name)' collides with existing topics: \(colliding.joined(separator: ", "))")
                }
            }
            if validateOnly { return .validated }
            // Kafka logs the whole assignment; past a few hundred partitions that line is megabytes.
            let shown = assignment.count <= 200 ? "\(assignment.sorted { $0.key < $1.key })" : "(\(assignment.count) partitions)"
            context.logger.info("Creating topic \(topic.name) with configuration \(config) and initial partition assignment \(shown)")
            try await administration.createTopic(name: topic.name, assignment: assignment, config: config)
            return .created(partitions: assignment.count)
        } catch let error as TopicAdministrationError {
            if case .topicAlreadyExists = error { return .failed(.topicAlreadyExists, error.description) }
            if case .tooLarge = error { return .failed(.policyViolation, error.description) }
            return .failed(.unknownServerError, error.description)
        } catch {
            context.logger.error("Error creating topic \(topic.name): \(error)")
            return .failed(.unknownServerError, "\(error)")
        }
    }

    private static func liveBrokers(
        context: BrokerContext, snapshot: MetadataSnapshot, source: BrokerSource
    ) async throws -> [BrokerID] {
        switch source {
        case .metadataCache: snapshot.liveBrokers.keys.sorted()
        case .controlPlane: try await context.topicAdministration.registeredBrokers().sorted()
        }
    }

    /// `AdminZkClient.validateTopicCreate`'s checks of an assignment.
    static func assignmentProblem(_ assignment: [Int32: [BrokerID]]) -> String? {
        if Set(assignment.values.map(\.count)).count != 1 {
            return "All partitions should have the same number of replicas"
        }
        if assignment.values.contains(where: { Set($0).count != $0.count }) {
            let described = assignment.sorted { $0.key < $1.key }
                .map { "\($0.key) -> \($0.value.map(String.init).joined(separator: ","))" }.joined(separator: ", ")
            return "Duplicate replica assignment found: Map(\(described))"
        }
        if assignment.values.contains(where: \.isEmpty) {
            return "Replication factor must be larger than 0."
        }
        let count = assignment.count
        if assignment.keys.sorted() != (0..<count).map(Int32.init) {
            return "partitions should be a consecutive 0-based integer sequence"
        }
        return nil
    }

    /// Kafka's `Topic.unifyCollisionChars`: '.' and '_' collide in metric names.
    static func unifyCollisionCharacters(_ name: String) -> String { String(name.map { $0 == "." ? "_" : $0 }) }

    /// Polls the metadata cache until every partition of every topic has a leader, for at most
    /// `timeoutMs`; returns the topics still incomplete.
    static func waitForLeaders(
        _ topics: [String: Int], metadataCache: MetadataCache, timeoutMs: Int32
    ) async -> Set<String> {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int64(timeoutMs)))
        while true {
            let snapshot = metadataCache.snapshot
            let incomplete = Set(topics.filter { name, count in
                let partitions = snapshot.partitions(of: name)
                return partitions.count < count || partitions.contains { $0.leader < 0 }
            }.keys)
            if incomplete.isEmpty || clock.now >= deadline { return incomplete }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
