import Synchronization

/// The broker side of controller fencing (Kafka 2.8 `ReplicaManager.controllerEpoch` and
/// `KafkaApis.isBrokerEpochStale`): the highest controller epoch seen, and this broker's own
/// epoch (the czxid of its registration), against which LeaderAndIsr, UpdateMetadata and
/// StopReplica requests are checked.
final class ControlPlaneFence: Sendable {
    enum Verdict: Equatable {
        case accept
        /// The request came from a controller older than one already heard from.
        case staleControllerEpoch(request: Int32, current: Int32)
        /// The request was meant for an earlier incarnation of this broker (KIP-380).
        case staleBrokerEpoch(request: Int64, current: Int64)
    }

    /// Kafka's `AbstractControlRequest.UNKNOWN_BROKER_EPOCH`: a controller predating KIP-380.
    static let unknownBrokerEpoch: Int64 = -1

    private struct State {
        var controllerEpoch: Int32 = 0
        var brokerEpoch: Int64 = -1
    }

    private let state = Mutex(State())

    var brokerEpoch: Int64 {
        get { state.withLock { $0.brokerEpoch } }
        set { state.withLock { $0.brokerEpoch = newValue } }
    }

    var controllerEpoch: Int32 { state.withLock { $0.controllerEpoch } }

    /// Checks a control request and, if accepted, records its controller epoch as the latest.
    func admit(controllerEpoch: Int32, brokerEpoch: Int64) -> Verdict {
        state.withLock { state in
            if brokerEpoch != Self.unknownBrokerEpoch, brokerEpoch < state.brokerEpoch {
                return .staleBrokerEpoch(request: brokerEpoch, current: state.brokerEpoch)
            }
            if controllerEpoch < state.controllerEpoch {
                return .staleControllerEpoch(request: controllerEpoch, current: state.controllerEpoch)
            }
            state.controllerEpoch = controllerEpoch
            return .accept
        }
    }
}
