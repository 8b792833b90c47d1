import KafkaController

/// Records every request the controller would send.
final class RecordingRequestSender: ControllerRequestSender {
    private(set) var sent: [ControllerBrokerRequest] = []
    func send(_ requests: [ControllerBrokerRequest]) { sent += requests }
    func clear() { sent.removeAll() }
}
