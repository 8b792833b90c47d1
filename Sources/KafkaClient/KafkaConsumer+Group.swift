import KafkaProtocol

extension KafkaConsumer {
    /// Joins `config.groupID` subscribed to `topics` (Kafka's `subscribe`): the next `poll` joins
    /// the group and consumes the partitions the group assigns, from the group's committed offsets
    /// (or `auto.offset.reset` where none is committed).
    public func subscribe(_ topics: [String]) async throws {
        guard let groupID = config.groupID, !groupID.isEmpty else {
            throw KafkaClientError.invalidConfig("subscribe needs a group: set group.id")
        }
        guard !topics.isEmpty else { throw KafkaClientError.invalidConfig("subscribe needs at least one topic") }
        for topic in topics { _ = try await metadata.topic(topic) }
        if var membership = groupMembership {
            membership.topics = topics
            membership.needsJoin = true
            groupMembership = membership
            return
        }
        var membership = GroupMembership(groupID: groupID, topics: topics)
        let interval = Duration.milliseconds(config.heartbeatIntervalMs)
        membership.heartbeats = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await self?.heartbeat()
            }
        }
        groupMembership = membership
    }

    /// Joins (again) when needed and commits when `auto.commit.interval.ms` passed; `poll` calls it first.
    func maintainGroupMembership() async throws {
        guard let membership = groupMembership else { return }
        if membership.needsJoin {
            try await joinGroup()
        } else if config.enableAutoCommit,
            ContinuousClock.now - membership.lastCommit >= .milliseconds(config.autoCommitIntervalMs)
        {
            try? await commitSync()
        }
    }

    /// Commits the positions of the assigned partitions (OffsetCommit v7). A commit the group
    /// refuses because it rebalanced throws, as Kafka's `CommitFailedException`, and the next poll rejoins.
    public func commitSync() async throws {
        guard var membership = groupMembership, membership.generation >= 0, let coordinator = membership.coordinator else { return }
        let byTopic = Dictionary(grouping: consumedPositions().sorted { $0.key.partition < $1.key.partition }.map { ($0.key, $0.value) }, by: \.0.topic)
        guard !byTopic.isEmpty else { return }
        let request = OffsetCommitRequest(
            groupId: membership.groupID, generationId: membership.generation, memberId: membership.memberID,
            groupInstanceId: config.groupInstanceID,
            topics: byTopic.map { topic, entries in
                .init(name: topic, partitions: entries.map { .init(partitionIndex: $0.0.partition, committedOffset: $0.1, committedLeaderEpoch: -1, committedMetadata: "") })
            })
        let response = try await metadata.send(request, version: 7, to: coordinator)
        membership.lastCommit = ContinuousClock.now
        groupMembership = membership
        let codes = response.topics.flatMap { $0.partitions.map { KafkaErrorCode(rawValue: $0.errorCode) } }
        if let failure = codes.first(where: { $0 != .none }) {
            handleGroupError(failure)
            throw KafkaClientError.groupError(group: membership.groupID, api: "OffsetCommit", code: failure.rawValue)
        }
    }

    /// The next offset to commit per assigned partition: after the last record `poll` returned.
    /// Fetched records still buffered are not consumed yet (Kafka's position advances as `poll`
    /// hands records out, not as they are fetched).
    func consumedPositions() -> [TopicPartitionKey: Int64] {
        var result: [TopicPartitionKey: Int64] = [:]
        for key in assignment { result[key] = positions[key] }
        var seen: Set<TopicPartitionKey> = []
        for record in buffered[bufferedStart...] {
            let key = TopicPartitionKey(topic: record.topic, partition: record.partition)
            if seen.insert(key).inserted, result[key] != nil { result[key] = record.offset }
        }
        return result
    }

    /// The background heartbeat (Kafka's heartbeat thread): REBALANCE_IN_PROGRESS and friends make
    /// the next poll rejoin.
    func heartbeat() async {
        guard let membership = groupMembership, !membership.needsJoin, !membership.joining, let coordinator = membership.coordinator
        else { return }
        let request = HeartbeatRequest(
            groupId: membership.groupID, generationId: membership.generation, memberId: membership.memberID,
            groupInstanceId: config.groupInstanceID)
        guard let response = try? await metadata.send(request, version: 3, to: coordinator) else {
            groupMembership?.coordinator = nil
            groupMembership?.needsJoin = true
            return
        }
        handleGroupError(KafkaErrorCode(rawValue: response.errorCode))
    }

    /// What Kafka's coordinator does with a group error: rejoin, forget the member id, or look
    /// for the coordinator again.
    func handleGroupError(_ code: KafkaErrorCode) {
        switch code {
        case .none: break
        case .rebalanceInProgress, .illegalGeneration:
            groupMembership?.needsJoin = true
        case .unknownMemberID, .fencedInstanceID:
            groupMembership?.memberID = ""
            groupMembership?.generation = -1
            groupMembership?.needsJoin = true
        case .notCoordinator, .coordinatorNotAvailable, .coordinatorLoadInProgress:
            groupMembership?.coordinator = nil
            groupMembership?.needsJoin = true
        default: break
        }
    }

    /// FindCoordinator (v2) until a coordinator answers, within `metadataWait`.
    private func findCoordinator(_ groupID: String) async throws -> BrokerAddress {
        let deadline = ContinuousClock.now + metadata.metadataWait
        var last = KafkaErrorCode.coordinatorNotAvailable
        while ContinuousClock.now < deadline {
            let cluster = try await metadata.refresh()
            guard let broker = cluster.brokers.values.first else { continue }
            if let response = try? await metadata.send(FindCoordinatorRequest(key: groupID, keyType: 0), version: 2, to: broker) {
                if response.errorCode == 0 { return BrokerAddress(host: response.host, port: Int(response.port)) }
                last = KafkaErrorCode(rawValue: response.errorCode)
            }
            try await Task.sleep(for: metadata.retryBackoff)
        }
        throw KafkaClientError.groupError(group: groupID, api: "FindCoordinator", code: last.rawValue)
    }

    /// Kafka's `joinGroupIfNeeded` + `onJoinComplete`: commit (auto-commit), JoinGroup v5 (again
    /// with the id MEMBER_ID_REQUIRED hands out), the leader's range assignment, SyncGroup v3, then
    /// the assigned partitions start at the group's committed offsets.
    private func joinGroup() async throws {
        guard var membership = groupMembership else { return }
        if config.enableAutoCommit && membership.generation >= 0 { try? await commitSync() }
        membership = groupMembership ?? membership
        membership.joining = true
        groupMembership = membership
        defer { groupMembership?.joining = false }
        let deadline = ContinuousClock.now + .milliseconds(config.maxPollIntervalMs + 30_000)
        let subscription = ConsumerProtocolSubscription(topics: membership.topics).encodedVersioned(version: 0)
        while true {
            guard ContinuousClock.now < deadline else {
                throw KafkaClientError.groupError(group: membership.groupID, api: "JoinGroup", code: KafkaErrorCode.requestTimedOut.rawValue)
            }
            if membership.coordinator == nil { membership.coordinator = try await findCoordinator(membership.groupID) }
            let coordinator = membership.coordinator!
            let join = try await metadata.send(
                JoinGroupRequest(
                    groupId: membership.groupID, sessionTimeoutMs: Int32(config.sessionTimeoutMs),
                    rebalanceTimeoutMs: Int32(config.maxPollIntervalMs), memberId: membership.memberID,
                    groupInstanceId: config.groupInstanceID, protocolType: "consumer",
                    protocols: [.init(name: RangeAssignor.name, metadata: subscription)]),
                version: 5, to: coordinator, timeout: .milliseconds(config.maxPollIntervalMs + 5_000))
            let joinError = KafkaErrorCode(rawValue: join.errorCode)
            switch joinError {
            case .none: break
            case .memberIDRequired, .unknownMemberID:
                membership.memberID = joinError == .memberIDRequired ? join.memberId : ""
                continue
            case .notCoordinator, .coordinatorNotAvailable:
                membership.coordinator = nil
                continue
            case .coordinatorLoadInProgress, .rebalanceInProgress:
                try await Task.sleep(for: metadata.retryBackoff)
                continue
            default:
                throw KafkaClientError.groupError(group: membership.groupID, api: "JoinGroup", code: join.errorCode)
            }
            membership.memberID = join.memberId
            membership.generation = join.generationId
            var assignments: [SyncGroupRequest.SyncGroupRequestAssignment] = []
            if join.leader == join.memberId {
                assignments = try await leaderAssignment(join.members)
            }
            let sync = try await metadata.send(
                SyncGroupRequest(
                    groupId: membership.groupID, generationId: join.generationId, memberId: join.memberId,
                    groupInstanceId: config.groupInstanceID, assignments: assignments),
                version: 3, to: coordinator)
            let syncError = KafkaErrorCode(rawValue: sync.errorCode)
            guard syncError == .none else {
                switch syncError {
                case .rebalanceInProgress, .illegalGeneration: continue
                case .unknownMemberID: membership.memberID = ""
                case .notCoordinator, .coordinatorNotAvailable: membership.coordinator = nil
                default: throw KafkaClientError.groupError(group: membership.groupID, api: "SyncGroup", code: sync.errorCode)
                }
                continue
            }
            let assigned = sync.assignment.isEmpty ? [] : try ConsumerProtocolAssignment.decodeVersioned(sync.assignment)
                .assignedPartitions.flatMap { topic in topic.partitions.map { TopicPartitionKey(topic: topic.topic, partition: $0) } }
            membership.needsJoin = false
            membership.lastCommit = ContinuousClock.now
            groupMembership = membership
            try await assign(assigned)
            try await seekToCommitted(assigned, group: membership.groupID, coordinator: coordinator)
            return
        }
    }

    /// The leader's job: every member's subscription through the range assignor.
    private func leaderAssignment(_ members: [JoinGroupResponse.JoinGroupResponseMember]) async throws -> [SyncGroupRequest.SyncGroupRequestAssignment] {
        var subscriptions: [String: [String]] = [:]
        for member in members {
            subscriptions[member.memberId] = (try? ConsumerProtocolSubscription.decodeVersioned(member.metadata))?.topics ?? []
        }
        var counts: [String: Int] = [:]
        for topic in Set(subscriptions.values.flatMap { $0 }) {
            counts[topic] = (try? await metadata.topic(topic))?.partitionCount
        }
        return RangeAssignor.assign(subscriptions: subscriptions, partitionCounts: counts).map { member, partitions in
            let topics = Dictionary(grouping: partitions, by: \.topic).sorted { $0.key < $1.key }.map { topic, keys in
                ConsumerProtocolAssignment.TopicPartition(topic: topic, partitions: keys.map(\.partition).sorted())
            }
            return .init(memberId: member, assignment: ConsumerProtocolAssignment(assignedPartitions: topics).encodedVersioned(version: 0))
        }
    }

    /// OffsetFetch (v5) of the assigned partitions; those with a committed offset start there.
    private func seekToCommitted(_ partitions: [TopicPartitionKey], group: String, coordinator: BrokerAddress) async throws {
        guard !partitions.isEmpty else { return }
        let request = OffsetFetchRequest(
            groupId: group,
            topics: Dictionary(grouping: partitions, by: \.topic).map { .init(name: $0.key, partitionIndexes: $0.value.map(\.partition)) })
        let response = try await metadata.send(request, version: 5, to: coordinator)
        guard response.errorCode == 0 else {
            handleGroupError(KafkaErrorCode(rawValue: response.errorCode))
            throw KafkaClientError.groupError(group: group, api: "OffsetFetch", code: response.errorCode)
        }
        for topic in response.topics {
            for partition in topic.partitions where partition.errorCode == 0 && partition.committedOffset >= 0 {
                seek(TopicPartitionKey(topic: topic.name, partition: partition.partitionIndex), to: partition.committedOffset)
            }
        }
    }

    /// Kafka's `close` of a group member: a last commit (auto-commit), then LeaveGroup so the
    /// others rebalance at once instead of after this member's session timeout.
    func leaveGroup() async {
        guard let membership = groupMembership else { return }
        membership.heartbeats?.cancel()
        if config.enableAutoCommit { try? await commitSync() }
        if let coordinator = membership.coordinator, !membership.memberID.isEmpty {
            _ = try? await metadata.send(
                LeaveGroupRequest(groupId: membership.groupID, memberId: membership.memberID), version: 1, to: coordinator)
        }
        groupMembership = nil
    }
}
