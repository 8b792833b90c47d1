import KafkaGroupCoordinator
import KafkaModel
import KafkaProtocol

extension BrokerApiTable {
    /// DescribeGroups (v0–v4), ListGroups (v0–v2), DeleteGroups (v0–v1) and OffsetDelete (v0),
    /// Kafka 2.8's admin views of the groups this broker coordinates.
    static func groupAdministration(context: BrokerContext) -> [BrokerApi] {
        let coordinator = context.groupCoordinator
        return [
            .typed(DescribeGroupsRequest.self, versions: 0...4) { request, _, _ in
                DescribeGroupsResponse(throttleTimeMs: 0, groups: request.groups.map { groupId in
                    let (error, group) = coordinator.describe(groupId: groupId)
                    guard error == .none else { return .init(errorCode: error.rawValue, groupId: groupId) }
                    guard let group, group.state != .dead else {
                        return .init(errorCode: 0, groupId: groupId, groupState: "Dead", protocolType: "", protocolData: "", members: [])
                    }
                    // Kafka's GroupMetadata.summary: metadata and assignments only for a Stable group.
                    let stable = group.state == .stable
                    return .init(
                        errorCode: 0, groupId: groupId, groupState: group.state.rawValue, protocolType: group.protocolType ?? "",
                        protocolData: stable ? group.protocolName ?? "" : "",
                        members: group.allMembers.map { member in
                            .init(
                                memberId: member.memberId, groupInstanceId: member.groupInstanceId, clientId: member.clientId,
                                clientHost: member.clientHost,
                                memberMetadata: stable ? member.protocols.first { $0.name == group.protocolName }?.metadata ?? [] : [],
                                memberAssignment: stable ? member.assignment : [])
                        })
                })
            },
            .typed(ListGroupsRequest.self, versions: 0...2) { _, _, _ in
                let error: KafkaErrorCode = coordinator.isLoading ? .coordinatorLoadInProgress : .none
                return ListGroupsResponse(
                    throttleTimeMs: 0, errorCode: error.rawValue,
                    groups: coordinator.currentGroups.map {
                        .init(groupId: $0.groupId, protocolType: $0.protocolType ?? "", groupState: $0.state.rawValue)
                    })
            },
            .typed(DeleteGroupsRequest.self, versions: 0...1) { request, _, _ in
                let errors = await coordinator.deleteGroups(request.groupsNames)
                return DeleteGroupsResponse(
                    throttleTimeMs: 0,
                    results: request.groupsNames.map { .init(groupId: $0, errorCode: (errors[$0] ?? .none).rawValue) })
            },
            .typed(OffsetDeleteRequest.self, versions: 0...0) { request, _, _ in
                let partitions = request.topics.flatMap { topic in
                    topic.partitions.map { TopicPartition(topic: topic.name, partition: $0.partitionIndex) }
                }
                let (error, errors) = await coordinator.deleteOffsets(groupId: request.groupId, partitions)
                return OffsetDeleteResponse(
                    errorCode: error.rawValue, throttleTimeMs: 0,
                    topics: error != .none ? [] : request.topics.map { topic in
                        .init(name: topic.name, partitions: topic.partitions.map {
                            .init(
                                partitionIndex: $0.partitionIndex,
                                errorCode: (errors[TopicPartition(topic: topic.name, partition: $0.partitionIndex)] ?? .none).rawValue)
                        })
                    })
            },
        ]
    }
}
