import KafkaProtocol

extension BrokerApiTable {
    /// FindCoordinator and the consumer-group APIs, until this broker has a group coordinator:
    /// every one answers COORDINATOR_NOT_AVAILABLE in its own response layout (never a closed
    /// connection), which clients treat as retriable. Clients that carry a group id but assign
    /// partitions by hand keep fetching meanwhile.
    static func groupCoordinatorUnavailable() -> [BrokerApi] {
        let unavailable = KafkaErrorCode.coordinatorNotAvailable.rawValue
        return [
            .typed(FindCoordinatorRequest.self, versions: 0...3) { _, _, _ in
                FindCoordinatorResponse(
                    throttleTimeMs: 0, errorCode: unavailable, errorMessage: "The coordinator is not available.",
                    nodeId: -1, host: "", port: -1)
            },
            .typed(JoinGroupRequest.self, versions: 0...7) { request, _, _ in
                JoinGroupResponse(errorCode: unavailable, generationId: -1, leader: "", memberId: request.memberId, members: [])
            },
            .typed(SyncGroupRequest.self, versions: 0...5) { _, _, _ in
                SyncGroupResponse(errorCode: unavailable, assignment: [])
            },
            .typed(HeartbeatRequest.self, versions: 0...4) { _, _, _ in
                HeartbeatResponse(errorCode: unavailable)
            },
            .typed(LeaveGroupRequest.self, versions: 0...4) { _, _, _ in
                LeaveGroupResponse(errorCode: unavailable, members: [])
            },
            .typed(OffsetCommitRequest.self, versions: 0...8) { request, _, _ in
                OffsetCommitResponse(topics: request.topics.map { topic in
                    .init(name: topic.name, partitions: topic.partitions.map { .init(partitionIndex: $0.partitionIndex, errorCode: unavailable) })
                })
            },
            .typed(OffsetFetchRequest.self, versions: 0...7) { request, header, _ in
                // v0–v1 carry the error per partition only; v2+ also at the top.
                OffsetFetchResponse(
                    topics: (request.topics ?? []).map { topic in
                        .init(name: topic.name, partitions: topic.partitionIndexes.map {
                            .init(partitionIndex: $0, committedOffset: -1, metadata: "", errorCode: unavailable)
                        })
                    },
                    errorCode: header.apiVersion >= 2 ? unavailable : 0)
            },
            .typed(ListGroupsRequest.self, versions: 0...4) { _, _, _ in
                ListGroupsResponse(errorCode: unavailable, groups: [])
            },
            .typed(DescribeGroupsRequest.self, versions: 0...5) { request, _, _ in
                DescribeGroupsResponse(groups: request.groups.map { .init(errorCode: unavailable, groupId: $0) })
            },
        ]
    }
}
