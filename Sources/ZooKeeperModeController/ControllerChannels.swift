import KafkaController
import KafkaModel

/// The active controller's per-broker request channels as the shell drives them (Kafka's
/// `ControllerChannelManager`): ``ControllerChannelManager`` over the network, a recording fake in tests.
///
/// Threading contract: called on the controller event thread; never blocks on the network.
protocol ControllerChannels: AnyObject {
    /// Starts a channel to `broker` unless one exists.
    func addBroker(_ broker: BrokerInfo)
    /// Stops a broker's channel, dropping its queued requests.
    func removeBroker(_ id: BrokerID)
    /// Queues requests, in order, for their brokers.
    func send(_ requests: [ControllerBrokerRequest])
    /// Stops every channel (resignation).
    func shutdown()
}

extension ControllerChannelManager: ControllerChannels {}
