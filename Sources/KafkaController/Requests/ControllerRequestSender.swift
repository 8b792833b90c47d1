/// Delivers controller requests to brokers: implemented by the shell's channel manager (one FIFO queue and
/// sender per broker, Kafka's `ControllerChannelManager`), by a recording fake in tests.
///
/// Called on the controller event thread; must not block on the network. Responses come back later as
/// ``ControllerEvent``s put on the event queue.
public protocol ControllerRequestSender: AnyObject {
    /// Queues the requests, in order, for their brokers.
    func send(_ requests: [ControllerBrokerRequest])

    /// Sends what an event holding its requests back has gathered so far, now, and keeps holding what comes
    /// after. The flows call it when a state machine pass ends, where Kafka 2.8 calls
    /// `ControllerBrokerRequestBatch.sendRequestsToBrokers` (broker failure, controlled shutdown), so brokers
    /// learn of new leaders without waiting for the event's later passes. Senders that never hold: nothing to do.
    func sendHeldBatches()
}

extension ControllerRequestSender {
    public func sendHeldBatches() {}
}
