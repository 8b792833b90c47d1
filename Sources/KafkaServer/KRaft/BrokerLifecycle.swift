import KafkaProtocol

/// The broker side of KRaft registration and heartbeats as a value (Kafka 3.3's
/// `BrokerLifecycleManager` and its `BrokerState`s): which request to send next and what each answer
/// changes. The shell (`BrokerLifecycleService`) sends, waits `broker.heartbeat.interval.ms` between
/// heartbeats and feeds the answers back. Pure: no clock, no sockets.
public struct BrokerLifecycle: Sendable, Equatable {
    /// Kafka's `BrokerState` values a KRaft broker goes through.
    public enum State: String, Sendable, Equatable {
        /// Not registered yet (STARTING).
        case starting
        /// Registered, catching up with the metadata log, fenced (RECOVERY).
        case recovery
        /// Unfenced: serving (RUNNING).
        case running
        /// Asked to shut down; the controller moves leaderships away (PENDING_CONTROLLED_SHUTDOWN).
        case pendingControlledShutdown
        /// The controller let it go (SHUTTING_DOWN).
        case shuttingDown
    }

    /// The next request.
    public enum Request: Sendable, Equatable {
        case register
        case heartbeat(brokerEpoch: Int64, currentMetadataOffset: Int64, wantFence: Bool, wantShutDown: Bool)
    }

    public private(set) var state: State = .starting
    /// The broker epoch the controller assigned (the offset of its RegisterBrokerRecord), -1 before.
    public private(set) var brokerEpoch: Int64 = -1
    /// The last metadata offset the broker has applied (reported in heartbeats).
    public private(set) var metadataOffset: Int64 = -1
    /// Whether the controller reported the broker caught up (`isCaughtUp`).
    public private(set) var caughtUp = false
    /// Set once the broker has published the metadata up to its registration (`setReadyToUnfence`).
    public private(set) var readyToUnfence = false
    public private(set) var fenced = true
    private var shutdownRequested = false
    /// Whether a heartbeat sent during controlled shutdown has been answered (Kafka's
    /// `gotControlledShutdownResponse`).
    private var gotControlledShutdownResponse = false
    /// Whether the next heartbeat goes out after 50 ms rather than the heartbeat interval.
    private var heartbeatSoon = false

    /// How long to wait after a successful heartbeat. Kafka 3.3's `BrokerLifecycleManager` sends the heartbeat
    /// after the first "still pending" controlled-shutdown answer 50 ms later ("in the case where controlled
    /// shutdown completes quickly, this will speed things up a little bit"), every later one after the interval.
    public func pauseAfterHeartbeatMs(intervalMs: Int64) -> Int64 {
        heartbeatSoon ? min(50, intervalMs) : intervalMs
    }

    public init() {}

    public var nextRequest: Request? {
        switch state {
        case .starting:
            return .register
        case .shuttingDown:
            return nil
        case .recovery, .running, .pendingControlledShutdown:
            return .heartbeat(
                brokerEpoch: brokerEpoch, currentMetadataOffset: metadataOffset,
                wantFence: !readyToUnfence && !shutdownRequested, wantShutDown: shutdownRequested)
        }
    }

    /// The broker applied metadata up to `offset`. Once that covers its own registration record it is
    /// ready to be unfenced (Kafka's broker waits for `initialCatchUpFuture`, publishes, then calls
    /// `setReadyToUnfence`).
    public mutating func metadataApplied(through offset: Int64) {
        metadataOffset = max(metadataOffset, offset)
        if brokerEpoch >= 0, metadataOffset >= brokerEpoch { readyToUnfence = true }
    }

    public mutating func registrationAnswered(errorCode: KafkaErrorCode, brokerEpoch epoch: Int64) {
        guard state == .starting, errorCode == .none else { return }
        brokerEpoch = epoch
        state = .recovery
        metadataApplied(through: metadataOffset)
    }

    /// A heartbeat answer. STALE_BROKER_EPOCH means the controller no longer knows this registration:
    /// register again. Other errors (NOT_CONTROLLER, ...) leave the state for the next try.
    public mutating func heartbeatAnswered(errorCode: KafkaErrorCode, isCaughtUp: Bool, isFenced: Bool, shouldShutDown: Bool) {
        guard state != .starting, state != .shuttingDown else { return }
        if errorCode == .staleBrokerEpoch {
            state = shutdownRequested ? .shuttingDown : .starting
            brokerEpoch = -1
            readyToUnfence = false
            fenced = true
            return
        }
        guard errorCode == .none else { return }
        caughtUp = caughtUp || isCaughtUp
        fenced = isFenced
        heartbeatSoon = state == .pendingControlledShutdown && !shouldShutDown && !gotControlledShutdownResponse
        if state == .pendingControlledShutdown { gotControlledShutdownResponse = true }
        if shouldShutDown {
            state = .shuttingDown
        } else if state == .recovery && !isFenced {
            state = .running
        }
    }

    /// SIGTERM: controlled shutdown through heartbeats (`beginControlledShutdown`). An unregistered
    /// broker has nothing to hand over and stops at once.
    public mutating func beginControlledShutdown() {
        shutdownRequested = true
        switch state {
        case .starting: state = .shuttingDown
        case .recovery, .running: state = .pendingControlledShutdown
        case .pendingControlledShutdown, .shuttingDown: break
        }
    }
}
