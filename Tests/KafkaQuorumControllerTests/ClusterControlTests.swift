import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol
import KafkaQuorumController
import Testing

/// Registration, heartbeats, fencing on session expiry, unfencing and controlled shutdown.
@Suite(.tags(.unit)) struct ClusterControlTests {
    @Test func registration_epochIsTheOffsetOfItsRecord_andBrokersStartFenced() {
        var f = QuorumControllerFixture()
        #expect(f.register(1).brokerEpoch == 0)
        #expect(f.register(2).brokerEpoch == 1)
        #expect(f.controller.state.brokers[1]?.fenced == true)
        #expect(f.controller.state.brokers[2]?.epoch == 1)
        #expect(f.controller.state.unfencedBrokerIDs.isEmpty)
    }

    @Test func registration_otherIncarnationWhileSessionIsAlive_isDuplicate_afterExpiryReplaces() {
        var f = QuorumControllerFixture()
        f.register(1, incarnation: 10)
        #expect(f.register(1, incarnation: 11).errorCode == .duplicateBrokerRegistration)
        f.now += 9_001
        let again = f.register(1, incarnation: 11)
        #expect(again.errorCode == .none)
        #expect(again.brokerEpoch == 1)
        #expect(f.controller.state.brokers[1]?.incarnationID == QuorumControllerFixture.uuid(11))
    }

    @Test func heartbeat_withStaleEpoch_isRejected() {
        var f = QuorumControllerFixture()
        f.register(1)
        let outcome = f.commit(f.controller.processBrokerHeartbeat(
            BrokerHeartbeatInput(brokerID: 1, brokerEpoch: 77, currentMetadataOffset: 0), now: f.now))
        #expect(outcome.errorCode == .staleBrokerEpoch)
        let unknown = f.commit(f.controller.processBrokerHeartbeat(
            BrokerHeartbeatInput(brokerID: 9, brokerEpoch: 0, currentMetadataOffset: 0), now: f.now))
        #expect(unknown.errorCode == .staleBrokerEpoch)
    }

    @Test func unfencing_waitsUntilTheBrokerCaughtUpToItsRegistration() {
        var f = QuorumControllerFixture()
        f.register(1)
        f.register(2)  // broker 2's RegisterBrokerRecord is at offset 1
        let behind = f.heartbeat(2, offset: 0)
        #expect(behind.isFenced && !behind.isCaughtUp)
        #expect(f.controller.state.brokers[2]?.fenced == true)
        let caughtUp = f.heartbeat(2, offset: 1)
        #expect(!caughtUp.isFenced && caughtUp.isCaughtUp)
        #expect(f.controller.state.brokers[2]?.fenced == false)
        #expect(f.log.last == .brokerRegistrationChange(BrokerRegistrationChangeRecord(brokerId: 2, brokerEpoch: 1, fenced: -1)))
    }

    @Test func sessionExpiry_fencesOneStaleBrokerAtATime_oldestContactFirst() {
        var f = QuorumControllerFixture()
        f.startBrokers([1, 2, 3])
        f.now += 2_000
        f.heartbeat(3)
        f.now += 7_001  // brokers 1 and 2 last heard 9001 ms ago; broker 3 7001 ms ago
        let first = f.commit(f.controller.fenceOneStaleBroker(now: f.now))
        #expect(first == 1)
        #expect(f.fenceStaleBrokers() == [2])
        #expect(f.controller.state.unfencedBrokerIDs == [3])
    }

    @Test func sessionIsValidUpToExactlyTheTimeout() {
        var f = QuorumControllerFixture()
        f.startBrokers([1])
        f.now += 9_000
        #expect(f.fenceStaleBrokers().isEmpty)
        f.now += 1
        #expect(f.fenceStaleBrokers() == [1])
    }

    @Test func failover_givesEveryBrokerAFreshLease() {
        var f = QuorumControllerFixture()
        f.startBrokers([1, 2])
        let standby = f.standbyState
        let promoted = QuorumController(state: standby, now: 50_000)
        #expect(promoted.fenceOneStaleBroker(now: 59_000).response == nil)
        #expect(promoted.fenceOneStaleBroker(now: 59_001).response == 1)
        #expect(promoted.nextWriteOffset == f.controller.nextWriteOffset)
    }

    @Test func controlledShutdown_movesLeadershipAway_thenShutsDownOnceEveryoneSawIt() {
        var f = QuorumControllerFixture()
        f.startBrokers([1, 2, 3])
        f.createTopic("t", partitions: 3, replicationFactor: 2)
        let led = f.controller.state.partitionsLed(by: 1).count
        #expect(led > 0)
        let entering = f.heartbeat(1, wantShutDown: true)
        #expect(!entering.shouldShutDown)
        #expect(f.controller.state.brokers[1]?.inControlledShutdown == true)
        #expect(f.controller.state.partitionsLed(by: 1).isEmpty)
        #expect(f.controller.state.partitionsWithISRMember(1).isEmpty)
        // Brokers 2 and 3 have not yet applied the leader moves.
        let stale = f.controller.nextWriteOffset - 2
        f.heartbeat(2, offset: stale)
        f.heartbeat(3, offset: stale)
        #expect(!f.heartbeat(1, wantShutDown: true).shouldShutDown)
        f.heartbeat(2)
        f.heartbeat(3)
        let done = f.heartbeat(1, wantShutDown: true)
        #expect(done.shouldShutDown)
        #expect(f.controller.state.brokers[1]?.fenced == true)
    }

    @Test func controlledShutdown_ofABrokerLeadingNothing_isImmediate() {
        var f = QuorumControllerFixture()
        f.startBrokers([1])
        #expect(f.heartbeat(1, wantShutDown: true).shouldShutDown)
        #expect(f.controller.state.brokers[1]?.fenced == true)
    }

    @Test func standbyReplay_equalsActiveState() {
        var f = QuorumControllerFixture()
        f.startBrokers([1, 2, 3])
        f.createTopic("a", partitions: 4, replicationFactor: 3, id: 1)
        f.createTopic("b", partitions: 2, replicationFactor: 2, id: 2)
        f.now += 9_001
        f.heartbeat(2)
        f.heartbeat(3)
        _ = f.fenceStaleBrokers()
        _ = f.commit(f.controller.deleteTopics(["b"]))
        #expect(f.standbyState == f.controller.state)
    }
}
