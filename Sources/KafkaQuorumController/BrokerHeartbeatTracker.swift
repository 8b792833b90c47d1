import KafkaModel

/// The active controller's soft, unreplicated broker liveness state (Kafka 3.3's `BrokerHeartbeatManager`):
/// last contact time, the metadata offset each broker reported, and the offset a broker in controlled
/// shutdown must see everyone reach. A new active controller starts a fresh tracker and touches every
/// registered broker at the failover instant (`ClusterControlManager.activate`), so a dead broker is fenced
/// only one session timeout after failover.
public struct BrokerHeartbeatTracker: Sendable, Hashable {
    public struct BrokerState: Sendable, Hashable {
        public var lastContactMs: Int64
        public var metadataOffset: Int64
        /// Set once the broker entered controlled shutdown: the offset of the records that moved its
        /// leaderships away.
        public var controlledShutdownOffset: Int64?
    }

    public private(set) var brokers: [BrokerID: BrokerState] = [:]

    public init() {}

    public mutating func touch(_ broker: BrokerID, now: Int64, metadataOffset: Int64? = nil) {
        var state = brokers[broker] ?? BrokerState(lastContactMs: now, metadataOffset: -1)
        state.lastContactMs = now
        if let metadataOffset { state.metadataOffset = metadataOffset }
        brokers[broker] = state
    }

    public mutating func remove(_ broker: BrokerID) { brokers[broker] = nil }

    public mutating func setControlledShutdownOffset(_ broker: BrokerID, _ offset: Int64?) {
        brokers[broker]?.controlledShutdownOffset = offset
    }

    /// `hasValidSession`: the last contact is within `broker.session.timeout.ms`.
    public func hasValidSession(_ broker: BrokerID, now: Int64, sessionTimeoutMs: Int64) -> Bool {
        guard let state = brokers[broker] else { return false }
        return state.lastContactMs + sessionTimeoutMs >= now
    }

    /// `findOneStaleBroker`: among `unfenced` brokers, the one with the oldest contact, if its session expired.
    public func findOneStaleBroker(unfenced: [BrokerID], now: Int64, sessionTimeoutMs: Int64) -> BrokerID? {
        let oldest = unfenced.compactMap { id in brokers[id].map { (id, $0.lastContactMs) } }
            .min { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        guard let (id, _) = oldest, !hasValidSession(id, now: now, sessionTimeoutMs: sessionTimeoutMs) else { return nil }
        return id
    }

    /// The lowest metadata offset reported by `active` brokers (`lowestActiveOffset`), Int64.max if none.
    public func lowestMetadataOffset(of active: [BrokerID]) -> Int64 {
        active.compactMap { brokers[$0]?.metadataOffset }.min() ?? Int64.max
    }
}
