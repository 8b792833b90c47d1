import KafkaController
import KafkaModel
import Testing

/// The controller context stores equal replica lists and ISRs once (issue 14) and answers exactly what it was
/// given.
@Suite(.tags(.unit)) struct ControllerContextMemoryTests {
    private func storage(_ list: [BrokerID]) -> UnsafeRawPointer? { list.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } }

    @Test func equalAssignmentsAndIsrsShareTheirArrays() {
        let context = makeContext(liveBrokers: [1, 2, 3])
        for partition in 0..<3 {
            let tp = TopicPartition(topic: "t", partition: Int32(partition))
            context.updatePartitionFullReplicaAssignment(tp, ReplicaAssignment(replicas: [1, 2, 3].map { $0 }))
            context.putPartitionLeadershipInfo(
                tp, LeaderISRAndControllerEpoch(leader: 1, leaderEpoch: 0, isr: [1, 2, 3].map { $0 }, zkVersion: 0, controllerEpoch: 1))
        }
        let other = TopicPartition(topic: "t", partition: 3)
        context.updatePartitionFullReplicaAssignment(other, ReplicaAssignment(replicas: [2, 3, 1], addingReplicas: [1], removingReplicas: []))
        context.putPartitionLeadershipInfo(other, LeaderISRAndControllerEpoch(leader: 2, leaderEpoch: 4, isr: [2], zkVersion: 7, controllerEpoch: 1))

        let replicas = (0..<3).map { context.partitionReplicaAssignment(TopicPartition(topic: "t", partition: Int32($0))) }
        let isrs = (0..<3).map { context.partitionLeadershipInfo[TopicPartition(topic: "t", partition: Int32($0))]!.leaderAndISR.isr }
        #expect(replicas.allSatisfy { $0 == [1, 2, 3] } && isrs.allSatisfy { $0 == [1, 2, 3] })
        #expect(Set(replicas.map(storage)).count == 1)
        // The ISR [1, 2, 3] and the replica list [1, 2, 3] are equal lists: one array for all six.
        #expect(Set((replicas + isrs).map(storage)).count == 1)
        #expect(context.partitionFullReplicaAssignment(other) == ReplicaAssignment(replicas: [2, 3, 1], addingReplicas: [1], removingReplicas: []))
        #expect(context.partitionLeadershipInfo[other] == LeaderISRAndControllerEpoch(leader: 2, leaderEpoch: 4, isr: [2], zkVersion: 7, controllerEpoch: 1))

        context.resetContext()
        #expect(context.partitionCount == 0 && context.partitionLeadershipInfo.isEmpty)
    }
}
