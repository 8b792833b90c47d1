import KafkaProtocol
import KafkaServer
import Testing

/// The broker side of registration and heartbeats (Kafka 3.3's `BrokerLifecycleManager`).
@Suite("KRaft broker lifecycle", .tags(.unit))
struct BrokerLifecycleTests {
    @Test func registers_thenHeartbeatsFenced_untilItAppliedItsRegistration_thenRuns() {
        var lifecycle = BrokerLifecycle()
        #expect(lifecycle.nextRequest == .register)
        lifecycle.metadataApplied(through: 3)
        lifecycle.registrationAnswered(errorCode: .none, brokerEpoch: 10)
        #expect(lifecycle.state == .recovery)
        #expect(lifecycle.nextRequest == .heartbeat(brokerEpoch: 10, currentMetadataOffset: 3, wantFence: true, wantShutDown: false))
        lifecycle.heartbeatAnswered(errorCode: .none, isCaughtUp: false, isFenced: true, shouldShutDown: false)
        #expect(!lifecycle.caughtUp)
        lifecycle.metadataApplied(through: 10)
        #expect(lifecycle.readyToUnfence)
        #expect(lifecycle.nextRequest == .heartbeat(brokerEpoch: 10, currentMetadataOffset: 10, wantFence: false, wantShutDown: false))
        lifecycle.heartbeatAnswered(errorCode: .none, isCaughtUp: true, isFenced: true, shouldShutDown: false)
        #expect(lifecycle.caughtUp)
        #expect(lifecycle.state == .recovery)
        lifecycle.heartbeatAnswered(errorCode: .none, isCaughtUp: true, isFenced: false, shouldShutDown: false)
        #expect(lifecycle.state == .running)
        #expect(!lifecycle.fenced)
    }

    @Test func failedRegistration_staysStarting() {
        var lifecycle = BrokerLifecycle()
        lifecycle.registrationAnswered(errorCode: .notController, brokerEpoch: -1)
        #expect(lifecycle.state == .starting)
        #expect(lifecycle.nextRequest == .register)
    }

    @Test func controlledShutdown_asksUntilTheControllerLetsGo() {
        var lifecycle = BrokerLifecycle()
        lifecycle.registrationAnswered(errorCode: .none, brokerEpoch: 2)
        lifecycle.metadataApplied(through: 5)
        lifecycle.heartbeatAnswered(errorCode: .none, isCaughtUp: true, isFenced: false, shouldShutDown: false)
        lifecycle.beginControlledShutdown()
        #expect(lifecycle.state == .pendingControlledShutdown)
        #expect(lifecycle.nextRequest == .heartbeat(brokerEpoch: 2, currentMetadataOffset: 5, wantFence: false, wantShutDown: true))
        // Leaderships still moving: the controller keeps the broker.
        lifecycle.heartbeatAnswered(errorCode: .none, isCaughtUp: true, isFenced: false, shouldShutDown: false)
        #expect(lifecycle.state == .pendingControlledShutdown)
        lifecycle.heartbeatAnswered(errorCode: .none, isCaughtUp: true, isFenced: true, shouldShutDown: true)
        #expect(lifecycle.state == .shuttingDown)
        #expect(lifecycle.nextRequest == nil)
    }

    @Test func controlledShutdown_firstPendingAnswer_heartbeatsAgainAfter50ms_thenAtTheInterval() {
        var lifecycle = BrokerLifecycle()
        lifecycle.registrationAnswered(errorCode: .none, brokerEpoch: 2)
        lifecycle.metadataApplied(through: 5)
        lifecycle.heartbeatAnswered(errorCode: .none, isCaughtUp: true, isFenced: false, shouldShutDown: false)
        #expect(lifecycle.pauseAfterHeartbeatMs(intervalMs: 2_000) == 2_000)
        lifecycle.beginControlledShutdown()
        lifecycle.heartbeatAnswered(errorCode: .none, isCaughtUp: true, isFenced: false, shouldShutDown: false)
        #expect(lifecycle.pauseAfterHeartbeatMs(intervalMs: 2_000) == 50)
        lifecycle.heartbeatAnswered(errorCode: .none, isCaughtUp: true, isFenced: false, shouldShutDown: false)
        #expect(lifecycle.pauseAfterHeartbeatMs(intervalMs: 2_000) == 2_000)
    }

    @Test func shutdownBeforeRegistration_stopsAtOnce() {
        var lifecycle = BrokerLifecycle()
        lifecycle.beginControlledShutdown()
        #expect(lifecycle.state == .shuttingDown)
        #expect(lifecycle.nextRequest == nil)
    }

    @Test func staleBrokerEpoch_registersAgain() {
        var lifecycle = BrokerLifecycle()
        lifecycle.registrationAnswered(errorCode: .none, brokerEpoch: 2)
        lifecycle.metadataApplied(through: 2)
        lifecycle.heartbeatAnswered(errorCode: .none, isCaughtUp: true, isFenced: false, shouldShutDown: false)
        lifecycle.heartbeatAnswered(errorCode: .staleBrokerEpoch, isCaughtUp: false, isFenced: false, shouldShutDown: false)
        #expect(lifecycle.state == .starting)
        #expect(lifecycle.nextRequest == .register)
        lifecycle.registrationAnswered(errorCode: .none, brokerEpoch: 40)
        #expect(!lifecycle.readyToUnfence)  // applied offset 2 is below the new registration at 40
    }

    @Test func otherHeartbeatErrors_changeNothing() {
        var lifecycle = BrokerLifecycle()
        lifecycle.registrationAnswered(errorCode: .none, brokerEpoch: 2)
        lifecycle.heartbeatAnswered(errorCode: .notController, isCaughtUp: true, isFenced: false, shouldShutDown: true)
        #expect(lifecycle.state == .recovery)
        #expect(!lifecycle.caughtUp)
    }
}
