import Foundation
import KafkaProtocol
import KafkaRaftProtocol
import Logging
import Synchronization

/// The shell around ``BrokerLifecycle`` (Kafka 3.3's `BrokerLifecycleManager` event loop): sends
/// BrokerRegistration, then a BrokerHeartbeat every `broker.heartbeat.interval.ms` to the active
/// controller, at once when something changed (ready to unfence, shutdown requested), and records
/// the answers. Failed sends (no controller, connection lost, NOT_CONTROLLER) are retried after
/// `retryBackoffMs`.
final class BrokerLifecycleService: Sendable {
    private let core = Mutex(BrokerLifecycle())
    private let nudged = Atomic<Bool>(false)
    private let channel: ControllerChannel
    private let registration: BrokerRegistrationRequest
    private let heartbeatIntervalMs: Int64
    private let retryBackoffMs: Int64
    private let logger: Logger
    /// Told every broker epoch the controller assigns (a re-registration after STALE_BROKER_EPOCH gets a new
    /// one, which AlterPartition requests must carry).
    private let onRegistered: @Sendable (Int64) -> Void
    private let loop = Mutex<Task<Void, Never>?>(nil)

    init(
        channel: ControllerChannel, registration: BrokerRegistrationRequest, heartbeatIntervalMs: Int64, retryBackoffMs: Int64,
        logger: Logger, onRegistered: @escaping @Sendable (Int64) -> Void = { _ in }
    ) {
        self.onRegistered = onRegistered
        self.channel = channel
        self.registration = registration
        self.heartbeatIntervalMs = heartbeatIntervalMs
        self.retryBackoffMs = max(retryBackoffMs, 50)
        self.logger = logger
    }

    var lifecycle: BrokerLifecycle { core.withLock { $0 } }

    func start() {
        let task = Task.detached { [self] in await run() }
        loop.withLock { $0 = task }
    }

    func stop() {
        loop.withLock { $0?.cancel() }
    }

    /// The broker applied metadata through `offset`.
    func metadataApplied(through offset: Int64) {
        let becameReady = core.withLock { core in
            let before = core.readyToUnfence
            core.metadataApplied(through: offset)
            return !before && core.readyToUnfence
        }
        if becameReady {
            logger.info("The broker has caught up with its registration in the metadata log; asking to be unfenced")
            nudged.store(true, ordering: .relaxed)
        }
    }

    func beginControlledShutdown() {
        core.withLock { $0.beginControlledShutdown() }
        nudged.store(true, ordering: .relaxed)
    }

    /// Waits until `condition` holds or `timeoutMs` passes; returns whether it held.
    func wait(timeoutMs: Int64, until condition: @Sendable (BrokerLifecycle) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(Double(timeoutMs) / 1000)
        while Date() < deadline && !Task.isCancelled {
            if core.withLock({ condition($0) }) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return core.withLock { condition($0) }
    }

    private func run() async {
        var failedRegistrations = 0
        while !Task.isCancelled {
            guard let request = core.withLock({ $0.nextRequest }) else { return }
            let pause: Int64
            switch request {
            case .register:
                // Kafka's resendExponentialBackoff for registrations: 100 ms doubling up to 2 s.
                if await register() {
                    failedRegistrations = 0
                    pause = 0
                } else {
                    failedRegistrations += 1
                    pause = min(2_000, 100 << min(failedRegistrations - 1, 5))
                }
            case .heartbeat(let epoch, let offset, let wantFence, let wantShutDown):
                pause = await heartbeat(epoch: epoch, offset: offset, wantFence: wantFence, wantShutDown: wantShutDown)
                    ? core.withLock { $0.pauseAfterHeartbeatMs(intervalMs: heartbeatIntervalMs) } : retryBackoffMs
            }
            await sleep(ms: pause)
        }
    }

    /// Sleeps `ms`, cut short by a nudge.
    private func sleep(ms: Int64) async {
        var left = ms
        while left > 0 && !Task.isCancelled {
            if nudged.exchange(false, ordering: .relaxed) { return }
            try? await Task.sleep(for: .milliseconds(min(left, 20)))
            left -= 20
        }
        nudged.store(false, ordering: .relaxed)
    }

    private func register() async -> Bool {
        do {
            let (controller, response) = try await channel.send(registration, version: 0)
            let code = KafkaErrorCode(rawValue: response.errorCode)
            if code == .notController { await channel.notController() }
            guard code == .none else {
                logger.info("Unable to register broker \(registration.brokerId) with controller \(controller): error \(code.rawValue)")
                return false
            }
            core.withLock { $0.registrationAnswered(errorCode: code, brokerEpoch: response.brokerEpoch) }
            onRegistered(response.brokerEpoch)
            logger.info("Successfully registered broker \(registration.brokerId) with broker epoch \(response.brokerEpoch) (controller \(controller))")
            return true
        } catch {
            logger.debug("Unable to send the broker registration: \(error)")
            return false
        }
    }

    private func heartbeat(epoch: Int64, offset: Int64, wantFence: Bool, wantShutDown: Bool) async -> Bool {
        let request = BrokerHeartbeatRequest(
            brokerId: registration.brokerId, brokerEpoch: epoch, currentMetadataOffset: offset, wantFence: wantFence,
            wantShutDown: wantShutDown)
        do {
            let (controller, response) = try await channel.send(request, version: 0)
            let code = KafkaErrorCode(rawValue: response.errorCode)
            if code == .notController { await channel.notController() }
            let (before, after) = core.withLock { core in
                let before = core.state
                core.heartbeatAnswered(
                    errorCode: code, isCaughtUp: response.isCaughtUp, isFenced: response.isFenced,
                    shouldShutDown: response.shouldShutDown)
                return (before, core.state)
            }
            if before != after {
                logger.info("Broker \(registration.brokerId) moves from \(before.rawValue) to \(after.rawValue) (controller \(controller))")
            }
            if code != .none {
                logger.info("Broker heartbeat to controller \(controller) answered error \(code.rawValue)")
                return false
            }
            return true
        } catch {
            logger.debug("Unable to send a broker heartbeat: \(error)")
            return false
        }
    }
}
