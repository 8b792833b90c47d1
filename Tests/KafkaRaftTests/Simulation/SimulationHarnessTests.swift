import KafkaRaft
import Testing

/// The simulation harness itself: a seed replays exactly, and the checker does flag violations.
@Suite(.tags(.unit)) struct SimulationHarnessTests {
    @Test func sameSeed_replaysTheSameSchedule() {
        for seed: UInt64 in [7, 42, 1234] {
            let first = RaftSimulation(seed: seed).run()
            let second = RaftSimulation(seed: seed).run()
            #expect(first.events == second.events && first.finalTimeMs == second.finalTimeMs)
            #expect(first.committedRecords == second.committedRecords)
        }
    }

    @Test func checker_flagsTwoLeadersInOneEpoch() {
        var checker = InvariantChecker()
        for id: Int32 in [1, 2] {
            let node = SimulatedNode(id: id)
            var raft = RaftInstance(localId: id, voters: [id], quorumState: nil, now: 0, seed: 1)
            _ = raft.onTick(now: raft.nextDeadline)
            #expect(raft.state.isLeader && raft.epoch == 1)
            node.instance = raft
            checker.check(node)
        }
        #expect(checker.violation?.contains("two leaders in epoch 1") == true)
    }

    @Test func checker_flagsAHighWatermarkGoingBack() {
        var checker = InvariantChecker()
        let node = SimulatedNode(id: 1)
        node.instance = RaftInstance(localId: 1, voters: [1], quorumState: nil, now: 0, seed: 1)
        node.lastHighWatermark = 5
        checker.check(node)
        #expect(checker.violation?.contains("went back from 5 to 0") == true)
    }
}
