import KafkaController
import KafkaModel
import Testing

/// The first read–write round starts from the context's states; ZooKeeper's CAS catches stale ones.
@Suite struct ElectionFromContextTests {
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
