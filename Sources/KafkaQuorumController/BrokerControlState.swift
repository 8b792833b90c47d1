import KafkaModel
import KafkaProtocol

/// `BrokerHeartbeatManager.BrokerControlState`.
public enum BrokerControlState: Sendable, Hashable {
    case fenced, unfenced, controlledShutdown, shutdownNow
}
