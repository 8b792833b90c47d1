import KafkaProtocol

extension ConsumerGroup {
    /// JoinGroup (Kafka 2.8 `GroupCoordinator.handleJoinGroup` for an existing group): the answer
    /// comes back as a `.completeJoin(token:)` action, at once or when the join phase completes.
    public mutating func join(_ input: JoinGroupInput, token: UInt64, nowMs: Int64) -> [GroupAction] {
        var actions: [GroupAction] = []
        func respond(_ outcome: JoinGroupOutcome) { actions.append(.completeJoin(token: token, outcome)) }
        if input.sessionTimeoutMs < config.minSessionTimeoutMs || input.sessionTimeoutMs > config.maxSessionTimeoutMs {
            respond(.failure(.invalidSessionTimeout, memberId: input.memberId))
            return actions
        }
        if !acceptsJoiningMember(input.memberId) {
            // Kafka removes the member it refuses, so a shrunk group.max.size also evicts.
            removeMember(input.memberId, nowMs: nowMs, actions: &actions, respondingTo: nil)
            if let instance = input.groupInstanceId { staticMembers[instance] = nil }
            respond(.failure(.groupMaxSizeReached, memberId: ""))
        } else if input.memberId.isEmpty {
            joinUnknownMember(input, token: token, nowMs: nowMs, actions: &actions)
        } else {
            joinKnownMember(input, token: token, nowMs: nowMs, actions: &actions)
        }
        if state == .preparingRebalance { maybeCompleteJoin(nowMs: nowMs, actions: &actions) }
        return actions
    }

    /// Kafka's `acceptJoiningMember`: `group.max.size` counts members awaiting join while
    /// rebalancing (the last to rejoin are turned away), all members otherwise.
    func acceptsJoiningMember(_ memberId: String) -> Bool {
        switch state {
        case .empty, .dead: true
        case .preparingRebalance: members[memberId]?.isAwaitingJoin == true || numAwaitingJoin < config.maxSize
        case .completingRebalance, .stable: members[memberId] != nil || members.count < config.maxSize
        }
    }

    private mutating func joinUnknownMember(_ input: JoinGroupInput, token: UInt64, nowMs: Int64, actions: inout [GroupAction]) {
        func respond(_ outcome: JoinGroupOutcome) { actions.append(.completeJoin(token: token, outcome)) }
        if state == .dead {
            respond(.failure(.coordinatorNotAvailable, memberId: ""))
        } else if !supportsProtocols(type: input.protocolType, names: input.protocols.map(\.name)) {
            respond(.failure(.inconsistentGroupProtocol, memberId: ""))
        } else {
            let newMemberId = "\(input.groupInstanceId ?? input.clientId)-\(input.newMemberIdSuffix)"
            if let instance = input.groupInstanceId, staticMembers[instance] != nil {
                replaceStaticMember(instance, newMemberId: newMemberId, input: input, token: token, nowMs: nowMs, actions: &actions)
            } else if input.requireKnownMemberId {
                // KIP-394: hand out the id; the member counts as pending until it joins with it
                // (expiring after its session timeout), so the join phase waits for it.
                pendingMembers[newMemberId] = nowMs + Int64(input.sessionTimeoutMs)
                respond(.failure(.memberIDRequired, memberId: newMemberId))
            } else {
                addMemberAndRebalance(input, memberId: newMemberId, token: token, nowMs: nowMs, actions: &actions)
            }
        }
    }

    private mutating func joinKnownMember(_ input: JoinGroupInput, token: UInt64, nowMs: Int64, actions: inout [GroupAction]) {
        func respond(_ outcome: JoinGroupOutcome) { actions.append(.completeJoin(token: token, outcome)) }
        let memberId = input.memberId
        if state == .dead {
            respond(.failure(.coordinatorNotAvailable, memberId: memberId))
        } else if !supportsProtocols(type: input.protocolType, names: input.protocols.map(\.name)) {
            respond(.failure(.inconsistentGroupProtocol, memberId: memberId))
        } else if pendingMembers[memberId] != nil {
            addMemberAndRebalance(input, memberId: memberId, token: token, nowMs: nowMs, actions: &actions)
        } else if isStaticMemberFenced(memberId: memberId, groupInstanceId: input.groupInstanceId) {
            respond(.failure(.fencedInstanceID, memberId: memberId))
        } else if members[memberId] == nil || (input.groupInstanceId.map { staticMembers[$0] == nil } ?? false) {
            respond(.failure(.unknownMemberID, memberId: memberId))
        } else {
            let member = members[memberId]!
            switch state {
            case .preparingRebalance:
                updateMemberAndRebalance(memberId, protocols: input.protocols, token: token, nowMs: nowMs, actions: &actions)
            case .completingRebalance:
                if member.matches(input.protocols) {
                    // The member lost the JoinGroup answer: send the current generation again.
                    respond(currentGenerationOutcome(for: memberId))
                } else {
                    updateMemberAndRebalance(memberId, protocols: input.protocols, token: token, nowMs: nowMs, actions: &actions)
                }
            case .stable:
                // The leader rejoining forces a rebalance (it noticed a metadata change the
                // member metadata does not show); a follower with unchanged metadata just learns the generation.
                if leaderId == memberId || !member.matches(input.protocols) {
                    updateMemberAndRebalance(memberId, protocols: input.protocols, token: token, nowMs: nowMs, actions: &actions)
                } else {
                    var outcome = currentGenerationOutcome(for: memberId)
                    outcome.members = []
                    respond(outcome)
                }
            case .empty, .dead:
                respond(.failure(.unknownMemberID, memberId: memberId))
            }
        }
    }

    /// The JoinGroup answer of the current generation; the leader's carries every member's metadata.
    func currentGenerationOutcome(for memberId: String) -> JoinGroupOutcome {
        JoinGroupOutcome(
            error: .none, generationId: generationId, protocolType: protocolType, protocolName: protocolName,
            leaderId: leaderId ?? "", memberId: memberId,
            members: leaderId == memberId
                ? allMembers.map { .init(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, metadata: protocolName.flatMap($0.metadata(for:)) ?? []) }
                : [])
    }

    private mutating func addMemberAndRebalance(
        _ input: JoinGroupInput, memberId: String, token: UInt64, nowMs: Int64, actions: inout [GroupAction]
    ) {
        var member = GroupMember(
            memberId: memberId, groupInstanceId: input.groupInstanceId, clientId: input.clientId, clientHost: input.clientHost,
            rebalanceTimeoutMs: input.rebalanceTimeoutMs, sessionTimeoutMs: input.sessionTimeoutMs,
            protocolType: input.protocolType, protocols: input.protocols)
        member.isNew = true
        member.awaitingJoin = ParkedRequest(token: token)
        // A new member cannot heartbeat before it has its id, and a parked request hides a dead
        // connection: it gets Kafka's 5-minute new-member join timeout instead.
        member.heartbeatDeadlineMs = nowMs + GroupCoordinatorConfig.newMemberJoinTimeoutMs
        // Joining during the first rebalance lets the initial delay wait once more.
        if state == .preparingRebalance && generationId == 0 { newMemberAdded = true }
        add(member)
        if let instance = input.groupInstanceId {
            staticMembers[instance] = memberId
        } else {
            pendingMembers[memberId] = nil
        }
        maybePrepareRebalance(nowMs: nowMs, actions: &actions)
    }

    private mutating func updateMemberAndRebalance(
        _ memberId: String, protocols: [GroupMember.ProtocolMetadata], token: UInt64, nowMs: Int64, actions: inout [GroupAction]
    ) {
        park(memberId, protocols: protocols, token: token, actions: &actions)
        maybePrepareRebalance(nowMs: nowMs, actions: &actions)
    }

    /// Kafka's `updateMember`: new protocols, and this request is the one to answer. A JoinGroup
    /// the member sent before and still waits on is superseded (Kafka drops its callback; the shell
    /// must not leak it, so it is answered with REBALANCE_IN_PROGRESS, which means "join again").
    mutating func park(_ memberId: String, protocols: [GroupMember.ProtocolMetadata], token: UInt64, actions: inout [GroupAction]) {
        if let previous = members[memberId]?.awaitingJoin, previous.token != token {
            actions.append(.completeJoin(token: previous.token, .failure(.rebalanceInProgress, memberId: memberId)))
        }
        members[memberId]?.protocols = protocols
        members[memberId]?.awaitingJoin = ParkedRequest(token: token)
    }

    /// KIP-345: a static member rejoining without its member id (a restarted instance) takes over
    /// its old membership under a new id; the old id's parked requests are fenced.
    private mutating func replaceStaticMember(
        _ instance: String, newMemberId: String, input: JoinGroupInput, token: UInt64, nowMs: Int64, actions: inout [GroupAction]
    ) {
        guard let oldMemberId = staticMembers[instance], var member = members[oldMemberId] else { return }
        let previousLeader = leaderId
        if let parked = member.awaitingJoin {
            actions.append(.completeJoin(token: parked.token, .failure(.fencedInstanceID, memberId: oldMemberId)))
        }
        if let parked = member.awaitingSync {
            actions.append(.completeSync(token: parked.token, .failure(.fencedInstanceID)))
        }
        member.awaitingJoin = nil
        member.awaitingSync = nil
        member.memberId = newMemberId
        member.heartbeatDeadlineMs = nowMs + Int64(member.sessionTimeoutMs)
        members[oldMemberId] = nil
        members[newMemberId] = member
        memberOrder = memberOrder.map { $0 == oldMemberId ? newMemberId : $0 }
        if leaderId == oldMemberId { leaderId = newMemberId }
        staticMembers[instance] = newMemberId
        park(newMemberId, protocols: input.protocols, token: token, actions: &actions)
        switch state {
        case .stable:
            if selectProtocol() == protocolName {
                // Nothing the assignment depends on changed: no rebalance, the member gets the
                // current generation with the *old* leader id, so it does not assign (Kafka).
                members[newMemberId]?.awaitingJoin = nil
                var outcome = currentGenerationOutcome(for: newMemberId)
                outcome.members = []
                outcome.leaderId = previousLeader ?? ""
                actions.append(.completeJoin(token: token, outcome))
                actions.append(.storeGroup(storedValue(), awaitsResult: false))
            } else {
                maybePrepareRebalance(nowMs: nowMs, actions: &actions)
            }
        case .completingRebalance:
            // The leader may already assign for the old id: start over.
            prepareRebalance(nowMs: nowMs, actions: &actions)
        case .preparingRebalance, .empty, .dead:
            break
        }
    }

    /// Kafka's `onGroupLoaded`: a loaded group with more members than `group.max.size` (the limit
    /// was lowered) rebalances, so the members beyond it are turned away as they rejoin.
    public mutating func rebalanceIfOverCapacity(nowMs: Int64) -> [GroupAction] {
        var actions: [GroupAction] = []
        if members.count > config.maxSize { maybePrepareRebalance(nowMs: nowMs, actions: &actions) }
        return actions
    }

    mutating func maybePrepareRebalance(nowMs: Int64, actions: inout [GroupAction]) {
        if canRebalance { prepareRebalance(nowMs: nowMs, actions: &actions) }
    }

    /// Kafka's `prepareRebalance`: members waiting for an assignment are told to rejoin; an empty
    /// group waits `group.initial.rebalance.delay.ms` (InitialDelayedJoin), others until all
    /// members rejoined or the rebalance timeout (DelayedJoin).
    mutating func prepareRebalance(nowMs: Int64, actions: inout [GroupAction]) {
        if state == .completingRebalance { propagateAssignmentError(.rebalanceInProgress, nowMs: nowMs, actions: &actions) }
        if state == .empty {
            let delay = config.initialRebalanceDelayMs
            joinWait = .initialDelay(deadlineMs: nowMs + delay, delayMs: delay, remainingMs: max(rebalanceTimeoutMs - delay, 0))
        } else {
            joinWait = .rebalance(deadlineMs: nowMs + rebalanceTimeoutMs)
        }
        transition(to: .preparingRebalance, nowMs: nowMs)
        maybeCompleteJoin(nowMs: nowMs, actions: &actions)
    }

    /// DelayedJoin's `tryComplete`: the join phase ends early once every member has rejoined
    /// (never during the initial delay).
    mutating func maybeCompleteJoin(nowMs: Int64, actions: inout [GroupAction]) {
        guard state == .preparingRebalance, case .rebalance = joinWait, hasAllMembersJoined else { return }
        completeJoinPhase(nowMs: nowMs, actions: &actions)
    }

    /// The join wait's deadline passed (a tick): the initial delay waits again if members kept
    /// arriving, otherwise the join phase completes with whoever rejoined.
    mutating func joinWaitExpired(nowMs: Int64, actions: inout [GroupAction]) {
        guard state == .preparingRebalance, let joinWait else { return }
        switch joinWait {
        case .initialDelay(let deadline, let delayMs, let remainingMs) where nowMs >= deadline:
            if newMemberAdded && remainingMs != 0 {
                newMemberAdded = false
                let delay = min(config.initialRebalanceDelayMs, remainingMs)
                self.joinWait = .initialDelay(deadlineMs: nowMs + delay, delayMs: delay, remainingMs: max(remainingMs - delayMs, 0))
            } else {
                completeJoinPhase(nowMs: nowMs, actions: &actions)
            }
        case .rebalance(let deadline) where nowMs >= deadline:
            completeJoinPhase(nowMs: nowMs, actions: &actions)
        default:
            break
        }
    }

    /// Kafka's `onCompleteJoin`: dynamic members that did not rejoin are dropped, a new generation
    /// starts (Empty, stored at once, or CompletingRebalance), and every parked JoinGroup is
    /// answered — the leader's with all members' metadata.
    mutating func completeJoinPhase(nowMs: Int64, actions: inout [GroupAction]) {
        for member in allMembers where !member.isAwaitingJoin && !member.isStatic { remove(member.memberId) }
        guard state != .dead else { return }
        if !members.isEmpty && !electJoinedLeader() {
            // Nobody rejoined: wait another rebalance timeout for the session timeouts to clear them.
            joinWait = .rebalance(deadlineMs: nowMs + rebalanceTimeoutMs)
            return
        }
        joinWait = nil
        newMemberAdded = false
        generationId += 1
        if members.isEmpty {
            protocolName = nil
            transition(to: .empty, nowMs: nowMs)
            actions.append(.storeGroup(storedValue(), awaitsResult: false))
            return
        }
        protocolName = selectProtocol()
        transition(to: .completingRebalance, nowMs: nowMs)
        for memberId in memberOrder {
            guard let parked = members[memberId]?.awaitingJoin else { continue }
            actions.append(.completeJoin(token: parked.token, currentGenerationOutcome(for: memberId)))
            members[memberId]?.awaitingJoin = nil
            members[memberId]?.isNew = false
            scheduleHeartbeat(memberId, nowMs: nowMs)
        }
    }

    /// Kafka's `maybeElectNewJoinedLeader`: a leader that did not rejoin hands over to one that did.
    private mutating func electJoinedLeader() -> Bool {
        guard let leaderId, let leader = members[leaderId] else { return false }
        if leader.isAwaitingJoin { return true }
        guard let joined = memberOrder.first(where: { members[$0]?.isAwaitingJoin == true }) else { return false }
        self.leaderId = joined
        return true
    }
}
