import KafkaController
import KafkaModel

@testable import ZooKeeperModeController

/// Broker channels that record what the shell asks of them instead of connecting.
final class RecordingControllerChannels: ControllerChannels {
    private(set) var added: [BrokerID] = []
    private(set) var removed: [BrokerID] = []
    private(set) var sent: [ControllerBrokerRequest] = []
    /// Each `send` call's requests, in order.
    private(set) var sendCalls: [[ControllerBrokerRequest]] = []
    /// Called at each `send`, before it is recorded (to look at what was written by then).
    var onSend: (() -> Void)?
    private(set) var isShutDown = false

    func addBroker(_ broker: BrokerInfo) { added.append(broker.id) }
    func removeBroker(_ id: BrokerID) { removed.append(id) }
    func send(_ requests: [ControllerBrokerRequest]) {
        onSend?()
        sent += requests
        sendCalls.append(requests)
    }
    func shutdown() { isShutDown = true }
    func clear() {
        sent.removeAll()
        sendCalls.removeAll()
    }
}
