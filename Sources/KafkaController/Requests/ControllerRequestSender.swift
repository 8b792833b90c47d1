/// Delivers controller requests to brokers: implemented by the shell's channel manager (one FIFO queue and
/// sender per broker, Kafka's `ControllerChannelManager`), by a recording fake in tests.
///
/// Called on the controller event thread; must not block on the network. Responses come back later as
/// ``ControllerEvent``s put on the event queue.
public protocol ControllerRequestSender: AnyObject {
    /// Queues the requests, in order, for their brokers.
    func send(_ requests: [ControllerBrokerRequest])
}
