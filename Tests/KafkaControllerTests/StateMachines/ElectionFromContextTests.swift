import KafkaController
import KafkaModel
import Testing

/// The first read–write round starts from the context's states; ZooKeeper's CAS catches stale ones.
@Suite(.tags(.unit)) struct ElectionFromContextTests {
    @Test func firstRoundReadsNothingWhenTheContextHoldsTheState() throws {
        let fixture = PartitionFixture()
        fixture.seedLeadership(leader: 1, isr: [1, 2, 3])
        fixture.context.removeLiveBrokers([1])
        fixture.context.putPartitionState(fixture.partition, .offline)

        let result = try fixture.machine.handleStateChanges(
            [fixture.partition], to: .online, strategy: .offline(allowUnclean: false), cause: "test")

        #expect(fixture.store.readCalls.isEmpty)
        #expect(fixture.store.updateCalls.count == 1)
        #expect(result.results[fixture.partition].map { (try? $0.get())?.leader } == 2)
    }

    @Test func staleContextState_newerControllerWrote_badVersionThenRereadAborts() throws {
        let fixture = PartitionFixture()
        fixture.seedLeadership(leader: 1, isr: [1, 2, 3], zkVersion: 5, controllerEpoch: 1)
        // Another controller (epoch 9) wrote the znode after the context was loaded.
        fixture.store.seed(fixture.partition, leader: 3, isr: [3], leaderEpoch: 7, zkVersion: 6, controllerEpoch: 9)
        fixture.context.removeLiveBrokers([1])
        fixture.context.putPartitionState(fixture.partition, .offline)

        let result = try fixture.machine.handleStateChanges(
            [fixture.partition], to: .online, strategy: .offline(allowUnclean: false), cause: "test")

        #expect(fixture.store.updateCalls.count == 1)
        #expect(fixture.store.readCalls == [[fixture.partition]])
        #expect(result.results[fixture.partition].map { if case .failure = $0 { true } else { false } } == true)
        #expect(fixture.store.states[fixture.partition]?.controllerEpoch == 9)
        #expect(fixture.context.partitionState(fixture.partition) == .offline)
    }
}

/// Decisions a cached state would make without a write are confirmed by a fresh read.
@Suite(.tags(.unit)) struct UnwrittenDecisionsFromContextTests {
    @Test func isrShrink_replicaMissingFromCachedISR_readsAndShrinksTheFreshISR() throws {
        // The context thinks 3 already left the ISR; ZooKeeper (a leader's ISR expansion since) still has it.
        let fixture = ReplicaFixture(isr: [1, 2])
        fixture.store.seed(fixture.partition, leader: 1, isr: [1, 2, 3], leaderEpoch: 3, zkVersion: 6)
        let target = replica(fixture.partition, 3)
        fixture.context.putReplicaState(target, .online)

        _ = try fixture.machine.handleStateChanges([target], to: .offline, cause: "test")

        #expect(fixture.store.readCalls == [[fixture.partition]])
        #expect(fixture.store.states[fixture.partition]?.leaderAndISR.isr == [1, 2])
        #expect(fixture.store.states[fixture.partition]?.leaderAndISR.zkVersion == 7)
    }

    @Test func preferredElection_preferredMissingFromCachedISR_electsOnTheFreshISR() throws {
        let fixture = PartitionFixture()
        fixture.seedLeadership(leader: 2, isr: [2, 3], zkVersion: 5)
        // The leader put the preferred replica 1 back in the ISR; the context has not heard yet.
        fixture.store.seed(fixture.partition, leader: 2, isr: [2, 3, 1], leaderEpoch: 3, zkVersion: 6)
        fixture.context.putPartitionState(fixture.partition, .online)

        let result = try fixture.machine.handleStateChanges(
            [fixture.partition], to: .online, strategy: .preferredReplica, cause: "test")

        #expect(fixture.store.readCalls == [[fixture.partition]])
        #expect(result.results[fixture.partition].map { (try? $0.get())?.leader } == 1)
    }
}
