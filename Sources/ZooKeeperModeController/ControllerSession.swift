import KafkaZooKeeperData
import Synchronization

/// The broker's current ZooKeeper session. Kafka re-creates the session after expiry
/// (`ZooKeeperClient.reinitialize`); everything that talks to ZooKeeper reads `current` for each
/// operation so it uses the live session.
public final class ControllerSession: Sendable {
    private let client: Mutex<KafkaZooKeeperClient>

    public init(_ client: KafkaZooKeeperClient) { self.client = Mutex(client) }

    public var current: KafkaZooKeeperClient { client.withLock { $0 } }

    /// Installs a new session (after the old one expired).
    public func replace(with newClient: KafkaZooKeeperClient) { client.withLock { $0 = newClient } }
}
