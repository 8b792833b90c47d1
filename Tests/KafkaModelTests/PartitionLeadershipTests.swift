import KafkaModel
import Testing

@Suite(.tags(.unit)) struct PartitionLeadershipTests {
    private let leadership = LeaderISRAndControllerEpoch(leader: 2, leaderEpoch: 7, isr: [2, 3], zkVersion: 11, controllerEpoch: 4)

    @Test func flatInit_composesLeaderAndISRAndControllerEpoch() {
        #expect(leadership.leaderAndISR == LeaderAndISR(leader: 2, leaderEpoch: 7, isr: [2, 3], zkVersion: 11))
        #expect(leadership.controllerEpoch == 4)
    }

    @Test func duringDelete_isLeaderMinusTwoAtInitialEpochs() {
        let deleting = LeaderAndISR.duringDelete(isr: [1, 2])
        #expect(deleting == LeaderAndISR(leader: -2, leaderEpoch: 0, isr: [1, 2], zkVersion: 0))
    }

    @Test func carrierAccessors_readAndWriteTheOneComposedValue() {
        var state = UpdateMetadataPartitionState(
            topicPartition: TopicPartition(topic: "t", partition: 0), leadership: leadership, replicas: [1, 2, 3])
        #expect([state.leader, state.leaderEpoch, state.zkVersion, state.controllerEpoch] == [2, 7, 11, 4])
        #expect(state.isr == [2, 3])
        state.isr = [2]
        state.zkVersion += 1
        state.controllerEpoch = 5
        #expect(state.leadership == LeaderISRAndControllerEpoch(leader: 2, leaderEpoch: 7, isr: [2], zkVersion: 12, controllerEpoch: 5))
        #expect(!state.isBeingDeleted)
        state.leaderAndISR = .duringDelete(isr: state.isr)
        #expect(state.isBeingDeleted)
    }
}
