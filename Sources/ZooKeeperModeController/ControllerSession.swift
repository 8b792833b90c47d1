import KafkaZooKeeperData
import Synchronization
import ZooKeeper

/// The broker's current ZooKeeper session. Kafka re-creates the session after expiry
/// (`ZooKeeperClient.reinitialize`); everything that talks to ZooKeeper reads `current` for each
/// operation so it uses the live session.
public final class ControllerSession: Sendable {
    private let client: Mutex<KafkaZooKeeperClient>

    public init(_ client: KafkaZooKeeperClient) { self.client = Mutex(client) }

    public var current: KafkaZooKeeperClient { client.withLock { $0 } }

    /// Installs a new session (after the old one expired).
    public func replace(with newClient: KafkaZooKeeperClient) { client.withLock { $0 = newClient } }

    /// Runs `body` on the current session, again while ZooKeeper answers CONNECTIONLOSS, OPERATIONTIMEOUT or
    /// throttling, for up to ``ZooKeeperModeController/connectionLossRetryLimit`` — Kafka's
    /// `ZooKeeperClient.retryRequestsUntilConnected`, for callers off the controller event thread (which has its
    /// blocking form in `SessionControllerZooKeeper`). On a loaded machine the C client times out a queued
    /// request while the session itself is fine. `isRetry` tells `body` that an earlier attempt's answer was lost,
    /// so a create it finds already made may be its own.
    public func retryingUntilConnected<T: Sendable>(
        _ body: (KafkaZooKeeperClient, _ isRetry: Bool) async throws -> T
    ) async throws -> T {
        let deadline = ContinuousClock.now + ZooKeeperModeController.connectionLossRetryLimit
        var isRetry = false
        while true {
            do {
                return try await body(current, isRetry)
            } catch let error as ZooKeeperError where error.code.isRetriable && ContinuousClock.now < deadline {
                isRetry = true
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}
