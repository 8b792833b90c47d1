import KafkaGroupCoordinator
import KafkaProtocol

extension BrokerApiTable {
    /// JoinGroup, SyncGroup, Heartbeat and LeaveGroup, answered by this broker's group coordinator
    /// (Kafka 2.8 `KafkaApis.handleJoinGroupRequest` and friends). Versions are the non-flexible
    /// ones real clients use (librdkafka 2.x: JoinGroup 5, SyncGroup 3, Heartbeat 3, LeaveGroup 1;
    /// kafka-python 2.0: 2/1/1/1), plus LeaveGroup v3, the batch form (KIP-345).
    static func groupMembership(context: BrokerContext) -> [BrokerApi] {
        let coordinator = context.groupCoordinator
        return [
            .typed(JoinGroupRequest.self, versions: 0...5) { request, header, requestContext in
                let version = header.apiVersion
                let input = JoinGroupInput(
                    memberId: request.memberId, groupInstanceId: request.groupInstanceId,
                    // KIP-394: a dynamic member joining with v4+ first gets its id (MEMBER_ID_REQUIRED).
                    requireKnownMemberId: version >= 4 && request.groupInstanceId == nil,
                    clientId: header.clientId ?? "", clientHost: "/\(Self.host(of: requestContext.clientAddress))",
                    // v0 has no rebalance timeout: Kafka uses the session timeout.
                    rebalanceTimeoutMs: version >= 1 ? request.rebalanceTimeoutMs : request.sessionTimeoutMs,
                    sessionTimeoutMs: request.sessionTimeoutMs, protocolType: request.protocolType,
                    protocols: request.protocols.map { .init(name: $0.name, metadata: $0.metadata) },
                    newMemberIdSuffix: GroupCoordinator.newMemberIdSuffix())
                let outcome = await coordinator.join(groupId: request.groupId, input)
                return JoinGroupResponse(
                    throttleTimeMs: 0, errorCode: outcome.error.rawValue, generationId: outcome.generationId,
                    protocolType: outcome.protocolType,
                    // Not nullable before v7; clients take "" on errors.
                    protocolName: outcome.protocolName ?? "", leader: outcome.leaderId, memberId: outcome.memberId,
                    members: outcome.members.map { .init(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, metadata: $0.metadata) })
            },
            .typed(SyncGroupRequest.self, versions: 0...3) { request, _, _ in
                let input = SyncGroupInput(
                    generationId: request.generationId, memberId: request.memberId, groupInstanceId: request.groupInstanceId,
                    protocolType: request.protocolType, protocolName: request.protocolName,
                    assignments: Dictionary(request.assignments.map { ($0.memberId, $0.assignment) }, uniquingKeysWith: { _, last in last }))
                let outcome = await coordinator.sync(groupId: request.groupId, input)
                return SyncGroupResponse(
                    throttleTimeMs: 0, errorCode: outcome.error.rawValue, protocolType: outcome.protocolType,
                    protocolName: outcome.protocolName, assignment: outcome.assignment)
            },
            .typed(HeartbeatRequest.self, versions: 0...3) { request, _, _ in
                let error = coordinator.heartbeat(
                    groupId: request.groupId, memberId: request.memberId, groupInstanceId: request.groupInstanceId,
                    generationId: request.generationId)
                return HeartbeatResponse(throttleTimeMs: 0, errorCode: error.rawValue)
            },
            .typed(LeaveGroupRequest.self, versions: 0...3) { request, header, _ in
                // v0–v2 name one member; v3+ a batch of members (by member id or group.instance.id).
                let leaving: [ConsumerGroup.LeavingMember] = header.apiVersion >= 3
                    ? request.members.map { .init(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId) }
                    : [.init(memberId: request.memberId)]
                let (error, memberErrors) = coordinator.leave(groupId: request.groupId, leaving)
                if header.apiVersion < 3 {
                    // The single-member form reports the member's own error at the top.
                    let single = error != .none ? error : (memberErrors.first ?? .none)
                    return LeaveGroupResponse(throttleTimeMs: 0, errorCode: single.rawValue, members: [])
                }
                return LeaveGroupResponse(
                    throttleTimeMs: 0, errorCode: error.rawValue,
                    members: zip(leaving, memberErrors).map {
                        .init(memberId: $0.0.memberId, groupInstanceId: $0.0.groupInstanceId, errorCode: $0.1.rawValue)
                    })
            },
        ]
    }

    /// The host part of "host:port" or "[v6]:port" as the network layer prints client addresses.
    static func host(of address: String) -> String {
        if address.hasPrefix("["), let end = address.firstIndex(of: "]") {
            return String(address[address.index(after: address.startIndex)..<end])
        }
        if let colon = address.lastIndex(of: ":") { return String(address[..<colon]) }
        return address
    }
}
