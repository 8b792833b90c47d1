import KafkaProtocol

extension ConsumerGroup {
    /// SyncGroup (Kafka 2.8 `doSyncGroup`). In CompletingRebalance every member's SyncGroup is
    /// parked; the leader's carries the assignment, which is stored first (`.storeGroup`, awaited)
    /// and handed to every member by ``groupStored(generation:error:nowMs:)``.
    public mutating func sync(_ input: SyncGroupInput, token: UInt64, nowMs: Int64) -> [GroupAction] {
        var actions: [GroupAction] = []
        func respond(_ outcome: SyncGroupOutcome) { actions.append(.completeSync(token: token, outcome)) }
        if state == .dead {
            respond(.failure(.coordinatorNotAvailable))
        } else if isStaticMemberFenced(memberId: input.memberId, groupInstanceId: input.groupInstanceId) {
            respond(.failure(.fencedInstanceID))
        } else if members[input.memberId] == nil {
            respond(.failure(.unknownMemberID))
        } else if input.generationId != generationId {
            respond(.failure(.illegalGeneration))
        } else if let type = input.protocolType, type != protocolType {
            respond(.failure(.inconsistentGroupProtocol))
        } else if let name = input.protocolName, name != protocolName {
            respond(.failure(.inconsistentGroupProtocol))
        } else {
            switch state {
            case .empty:
                respond(.failure(.unknownMemberID))
            case .preparingRebalance:
                respond(.failure(.rebalanceInProgress))
            case .completingRebalance:
                if let previous = members[input.memberId]?.awaitingSync, previous.token != token {
                    actions.append(.completeSync(token: previous.token, .failure(.rebalanceInProgress)))
                }
                members[input.memberId]?.awaitingSync = ParkedRequest(token: token)
                if leaderId == input.memberId {
                    // Members the leader left out get an empty assignment (Kafka warns and does the same).
                    var assignment = input.assignments.filter { members[$0.key] != nil }
                    for memberId in memberOrder where assignment[memberId] == nil { assignment[memberId] = [] }
                    pendingAssignment = PendingAssignment(generation: generationId, assignments: assignment)
                    actions.append(.storeGroup(storedValue(assignments: assignment), awaitsResult: true))
                }
            case .stable:
                let member = members[input.memberId]!
                respond(SyncGroupOutcome(error: .none, protocolType: protocolType, protocolName: protocolName, assignment: member.assignment))
                scheduleHeartbeat(input.memberId, nowMs: nowMs)
            case .dead:
                respond(.failure(.coordinatorNotAvailable))
            }
        }
        return actions
    }

    /// The outcome of a `.storeGroup(awaitsResult: true)`: on success every member gets its
    /// assignment and the group is Stable; on failure they get the error and the group rebalances.
    /// Ignored when the group moved on meanwhile (another rebalance began).
    public mutating func groupStored(generation: Int32, error: KafkaErrorCode, nowMs: Int64) -> [GroupAction] {
        var actions: [GroupAction] = []
        guard state == .completingRebalance, generation == generationId, let pending = pendingAssignment,
            pending.generation == generation
        else { return actions }
        pendingAssignment = nil
        if error != .none {
            propagateAssignmentError(error, nowMs: nowMs, actions: &actions)
            maybePrepareRebalance(nowMs: nowMs, actions: &actions)
        } else {
            for memberId in memberOrder { members[memberId]?.assignment = pending.assignments[memberId] ?? [] }
            propagateAssignment(.none, nowMs: nowMs, actions: &actions)
            transition(to: .stable, nowMs: nowMs)
        }
        return actions
    }

    /// Kafka's `resetAndPropagateAssignmentError`.
    mutating func propagateAssignmentError(_ error: KafkaErrorCode, nowMs: Int64, actions: inout [GroupAction]) {
        pendingAssignment = nil
        for memberId in memberOrder { members[memberId]?.assignment = [] }
        propagateAssignment(error, nowMs: nowMs, actions: &actions)
    }

    private mutating func propagateAssignment(_ error: KafkaErrorCode, nowMs: Int64, actions: inout [GroupAction]) {
        for memberId in memberOrder {
            guard let member = members[memberId], let parked = member.awaitingSync else { continue }
            let outcome = error == .none
                ? SyncGroupOutcome(error: .none, protocolType: protocolType, protocolName: protocolName, assignment: member.assignment)
                : .failure(error)
            actions.append(.completeSync(token: parked.token, outcome))
            members[memberId]?.awaitingSync = nil
            // Its session may have run out while it waited; it gets a full one again (Kafka).
            scheduleHeartbeat(memberId, nowMs: nowMs)
        }
    }

    mutating func scheduleHeartbeat(_ memberId: String, nowMs: Int64) {
        guard let session = members[memberId]?.sessionTimeoutMs else { return }
        members[memberId]?.heartbeatDeadlineMs = nowMs + Int64(session)
    }

    /// Heartbeat (Kafka 2.8 `handleHeartbeat`): renews the member's session; during a rebalance
    /// the answer REBALANCE_IN_PROGRESS tells it to rejoin.
    public mutating func heartbeat(memberId: String, groupInstanceId: String?, generationId: Int32, nowMs: Int64) -> KafkaErrorCode {
        if state == .dead { return .coordinatorNotAvailable }
        if isStaticMemberFenced(memberId: memberId, groupInstanceId: groupInstanceId) { return .fencedInstanceID }
        guard members[memberId] != nil else { return .unknownMemberID }
        guard generationId == self.generationId else { return .illegalGeneration }
        switch state {
        case .empty: return .unknownMemberID
        case .completingRebalance, .stable:
            scheduleHeartbeat(memberId, nowMs: nowMs)
            return .none
        case .preparingRebalance:
            scheduleHeartbeat(memberId, nowMs: nowMs)
            return .rebalanceInProgress
        case .dead: return .coordinatorNotAvailable
        }
    }

    /// One member of a LeaveGroup (v3+ carries several, KIP-345).
    public struct LeavingMember: Sendable, Hashable {
        public var memberId: String
        public var groupInstanceId: String?
        public init(memberId: String, groupInstanceId: String? = nil) {
            self.memberId = memberId
            self.groupInstanceId = groupInstanceId
        }
    }

    /// LeaveGroup (Kafka 2.8 `handleLeaveGroup`): the group-level error and one error per member.
    public mutating func leave(
        _ leaving: [LeavingMember], nowMs: Int64
    ) -> (error: KafkaErrorCode, memberErrors: [KafkaErrorCode], actions: [GroupAction]) {
        var actions: [GroupAction] = []
        if state == .dead { return (.coordinatorNotAvailable, [], actions) }
        var errors: [KafkaErrorCode] = []
        for member in leaving {
            if !member.memberId.isEmpty && isStaticMemberFenced(memberId: member.memberId, groupInstanceId: member.groupInstanceId) {
                errors.append(.fencedInstanceID)
            } else if pendingMembers[member.memberId] != nil {
                pendingMembers[member.memberId] = nil
                maybeCompleteJoin(nowMs: nowMs, actions: &actions)
                errors.append(.none)
            } else {
                // A static member may leave by instance id alone (member id "").
                let resolved = member.groupInstanceId.flatMap { staticMembers[$0] } ?? member.memberId
                guard members[resolved] != nil else {
                    errors.append(.unknownMemberID)
                    continue
                }
                removeMember(resolved, nowMs: nowMs, actions: &actions, respondingTo: .unknownMemberID)
                errors.append(.none)
            }
        }
        return (.none, errors, actions)
    }

    /// Kafka's `removeMemberAndUpdateGroup`: a parked JoinGroup of the member is answered (it may
    /// retry), and the group rebalances or re-checks its join phase.
    mutating func removeMember(_ memberId: String, nowMs: Int64, actions: inout [GroupAction], respondingTo error: KafkaErrorCode?) {
        guard let member = members[memberId] else { return }
        if let parked = member.awaitingJoin {
            actions.append(.completeJoin(token: parked.token, .failure(error ?? .unknownMemberID, memberId: "")))
        }
        if let parked = member.awaitingSync {
            actions.append(.completeSync(token: parked.token, .failure(.rebalanceInProgress)))
        }
        remove(memberId)
        if let instance = member.groupInstanceId, staticMembers[instance] == memberId { staticMembers[instance] = nil }
        switch state {
        case .dead, .empty: break
        case .stable, .completingRebalance: maybePrepareRebalance(nowMs: nowMs, actions: &actions)
        case .preparingRebalance: maybeCompleteJoin(nowMs: nowMs, actions: &actions)
        }
    }

    /// The clock moved (the shell ticks every group periodically): pending member ids and members
    /// whose session ran out expire (Kafka's DelayedHeartbeat), and the join phase's wait ends
    /// when due (DelayedJoin / InitialDelayedJoin).
    public mutating func tick(nowMs: Int64) -> [GroupAction] {
        var actions: [GroupAction] = []
        guard state != .dead else { return actions }
        let expiredPending = pendingMembers.filter { $0.value <= nowMs }.map(\.key)
        for memberId in expiredPending {
            pendingMembers[memberId] = nil
            maybeCompleteJoin(nowMs: nowMs, actions: &actions)
        }
        for memberId in memberOrder {
            guard let member = members[memberId], let deadline = member.heartbeatDeadlineMs, deadline <= nowMs else { continue }
            if member.waitingCountsAsHeartbeat {
                // Waiting in a rebalance is alive; the next deadline is set when it is answered.
                members[memberId]?.heartbeatDeadlineMs = nil
            } else {
                removeMember(memberId, nowMs: nowMs, actions: &actions, respondingTo: .unknownMemberID)
            }
        }
        joinWaitExpired(nowMs: nowMs, actions: &actions)
        return actions
    }

    /// The coordinator stopped leading the group's partition (Kafka's `onGroupUnloaded`): the
    /// group is Dead here and parked requests learn NOT_COORDINATOR, so clients find the new one.
    public mutating func unload(nowMs: Int64) -> [GroupAction] {
        var actions: [GroupAction] = []
        let previous = state
        if state != .dead { transition(to: .dead, nowMs: nowMs) }
        joinWait = nil
        pendingAssignment = nil
        for memberId in memberOrder {
            guard let member = members[memberId] else { continue }
            if let parked = member.awaitingJoin, previous == .preparingRebalance {
                actions.append(.completeJoin(token: parked.token, .failure(.notCoordinator, memberId: memberId)))
            }
            if let parked = member.awaitingSync {
                actions.append(.completeSync(token: parked.token, .failure(.notCoordinator)))
            }
            members[memberId]?.awaitingJoin = nil
            members[memberId]?.awaitingSync = nil
        }
        return actions
    }
}
