import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol

/// Broker registration, heartbeats, fencing and controlled shutdown (Kafka 3.3's `ClusterControlManager`,
/// `BrokerHeartbeatManager` and `ReplicationControlManager.processBrokerHeartbeat`).
extension QuorumController {
    /// BrokerRegistration. The broker epoch is the offset the RegisterBrokerRecord will get. A registration
    /// with another incarnation id while the existing one's session is alive is DUPLICATE_BROKER_REGISTRATION;
    /// after it expired (a restarted broker), the new incarnation replaces it. Brokers always register fenced.
    public mutating func registerBroker(
        _ input: BrokerRegistrationInput, now: Int64
    ) -> ControllerResult<BrokerRegistrationOutcome> {
        if let existing = state.brokers[input.brokerID],
            existing.incarnationID != input.incarnationID,
            heartbeats.hasValidSession(input.brokerID, now: now, sessionTimeoutMs: config.brokerSessionTimeoutMs)
        {
            return ControllerResult(
                records: [], response: BrokerRegistrationOutcome(errorCode: .duplicateBrokerRegistration, brokerEpoch: -1))
        }
        let epoch = nextWriteOffset
        let record = RegisterBrokerRecord(
            brokerId: input.brokerID, incarnationId: input.incarnationID, brokerEpoch: epoch,
            endPoints: input.endpoints.map {
                .init(name: $0.listenerName, host: $0.host, port: UInt16(clamping: $0.port),
                      securityProtocol: SecurityProtocolID.id($0.securityProtocol))
            },
            rack: input.rack, fenced: true, inControlledShutdown: false)
        // heartbeatManager.register: a fresh heartbeat state (no controlled-shutdown offset), and the
        // registration counts as contact.
        updateHeartbeats {
            $0.remove(input.brokerID)
            $0.touch(input.brokerID, now: now)
        }
        return ControllerResult(
            records: [.registerBroker(record)], response: BrokerRegistrationOutcome(errorCode: .none, brokerEpoch: epoch))
    }

    /// BrokerHeartbeat: renews the lease and moves the broker along
    /// FENCED → UNFENCED → CONTROLLED_SHUTDOWN → SHUTDOWN_NOW (`calculateNextBrokerState`).
    public mutating func processBrokerHeartbeat(
        _ input: BrokerHeartbeatInput, now: Int64
    ) -> ControllerResult<BrokerHeartbeatOutcome> {
        guard let registration = state.brokers[input.brokerID], registration.epoch == input.brokerEpoch else {
            return ControllerResult(records: [], response: .error(.staleBrokerEpoch))
        }
        updateHeartbeats { $0.touch(input.brokerID, now: now, metadataOffset: input.currentMetadataOffset) }
        let current = controlState(of: registration)
        let next = nextBrokerState(current: current, input: input, registerOffset: registration.epoch)
        var records: [MetadataRecord] = []
        if next != current {
            switch next {
            case .fenced, .shutdownNow:
                records = fenceRecords(input.brokerID)
            case .unfenced:
                records = unfenceRecords(input.brokerID)
            case .controlledShutdown:
                records = controlledShutdownRecords(input.brokerID)
                let offset = nextWriteOffset + Int64(records.count) - 1
                updateHeartbeats { $0.setControlledShutdownOffset(input.brokerID, offset) }
            }
        }
        let outcome = BrokerHeartbeatOutcome(
            errorCode: .none, isCaughtUp: input.currentMetadataOffset >= registration.epoch,
            isFenced: next == .fenced || next == .shutdownNow, shouldShutDown: next == .shutdownNow)
        return ControllerResult(records: records, response: outcome)
    }

    /// `maybeFenceOneStaleBroker`: fences at most one unfenced broker whose session expired (the one with
    /// the oldest contact); the caller repeats until it returns no records, as Kafka reschedules the event.
    public func fenceOneStaleBroker(now: Int64) -> ControllerResult<BrokerID?> {
        guard let stale = heartbeats.findOneStaleBroker(
            unfenced: state.unfencedBrokerIDs, now: now, sessionTimeoutMs: config.brokerSessionTimeoutMs)
        else { return ControllerResult(records: [], response: nil) }
        return ControllerResult(records: fenceRecords(stale), response: stale)
    }

    /// When the next stale-broker check is due (the earliest lease expiry among unfenced brokers).
    public func nextSessionExpiry() -> Int64? {
        state.unfencedBrokerIDs.compactMap { heartbeats.brokers[$0]?.lastContactMs }.min()
            .map { $0 + config.brokerSessionTimeoutMs + 1 }
    }

    /// UnregisterBroker (`ReplicationControlManager.handleBrokerUnregistered`): the broker leaves every ISR,
    /// its leaderships move, then an UnregisterBrokerRecord drops the registration. BROKER_ID_NOT_REGISTERED
    /// for an unknown id.
    public mutating func unregisterBroker(_ broker: BrokerID) -> ControllerResult<KafkaErrorCode> {
        guard let registration = state.brokers[broker] else {
            return ControllerResult(records: [], response: .brokerIDNotRegistered)
        }
        var records = leaderAndISRUpdates(
            partitions: state.partitionsWithISRMember(broker), brokerToRemove: broker, brokerToAdd: nil)
        records.append(.unregisterBroker(UnregisterBrokerRecord(brokerId: broker, brokerEpoch: registration.epoch)))
        updateHeartbeats { $0.remove(broker) }
        return ControllerResult(records: records, response: .none)
    }

    // MARK: - Transitions

    func controlState(of registration: BrokerRegistration) -> BrokerControlState {
        if registration.fenced { return .fenced }
        return registration.inControlledShutdown ? .controlledShutdown : .unfenced
    }

    func nextBrokerState(current: BrokerControlState, input: BrokerHeartbeatInput, registerOffset: Int64) -> BrokerControlState {
        switch current {
        case .fenced:
            if input.wantShutDown { return .shutdownNow }
            if !input.wantFence && input.currentMetadataOffset >= registerOffset { return .unfenced }
            return .fenced
        case .unfenced:
            if input.wantFence { return input.wantShutDown ? .shutdownNow : .fenced }
            if input.wantShutDown {
                return state.partitionsLed(by: input.brokerID).isEmpty ? .shutdownNow : .controlledShutdown
            }
            return .unfenced
        case .controlledShutdown:
            if !state.partitionsLed(by: input.brokerID).isEmpty { return .controlledShutdown }
            let active = state.brokers.values.filter { !$0.fenced && !$0.inControlledShutdown }.map(\.id)
            let required = heartbeats.brokers[input.brokerID]?.controlledShutdownOffset ?? Int64.max
            return required <= heartbeats.lowestMetadataOffset(of: active) ? .shutdownNow : .controlledShutdown
        case .shutdownNow:
            return .shutdownNow
        }
    }

    /// `handleBrokerFenced`: out of every ISR, leaders elected elsewhere, then the registration change.
    func fenceRecords(_ broker: BrokerID) -> [MetadataRecord] {
        guard let registration = state.brokers[broker] else { return [] }
        var records = leaderAndISRUpdates(
            partitions: state.partitionsWithISRMember(broker), brokerToRemove: broker, brokerToAdd: nil)
        records.append(.brokerRegistrationChange(
            BrokerRegistrationChangeRecord(brokerId: broker, brokerEpoch: registration.epoch, fenced: 1)))
        return records
    }

    /// `handleBrokerUnfenced`: the registration change, then the broker leads leaderless partitions it can.
    func unfenceRecords(_ broker: BrokerID) -> [MetadataRecord] {
        guard let registration = state.brokers[broker] else { return [] }
        var records: [MetadataRecord] = [.brokerRegistrationChange(
            BrokerRegistrationChangeRecord(brokerId: broker, brokerEpoch: registration.epoch, fenced: -1))]
        records += leaderAndISRUpdates(
            partitions: state.partitionsWithNoLeader(), brokerToRemove: nil, brokerToAdd: broker)
        return records
    }

    /// Entering controlled shutdown (KIP-841): the registration change, then the broker leaves every ISR and
    /// its leaderships move to the first eligible replica (ZooKeeper mode's controlled-shutdown election).
    func controlledShutdownRecords(_ broker: BrokerID) -> [MetadataRecord] {
        guard let registration = state.brokers[broker] else { return [] }
        var records: [MetadataRecord] = [.brokerRegistrationChange(
            BrokerRegistrationChangeRecord(brokerId: broker, brokerEpoch: registration.epoch, inControlledShutdown: 1))]
        records += leaderAndISRUpdates(
            partitions: state.partitionsWithISRMember(broker), brokerToRemove: broker, brokerToAdd: nil,
            shuttingDown: [broker])
        return records
    }
}
