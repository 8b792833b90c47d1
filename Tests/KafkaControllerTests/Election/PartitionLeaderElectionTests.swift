import KafkaController
import KafkaModel
import Testing

@Suite(.tags(.unit)) struct PartitionLeaderElectionTests {
    struct OfflineCase: Sendable, CustomTestStringConvertible {
        var assignment: [BrokerID]
        var isr: [BrokerID]
        var live: Set<BrokerID>
        var unclean: Bool
        var expected: BrokerID?
        var testDescription: String { "a=\(assignment) isr=\(isr) live=\(live.sorted()) unclean=\(unclean)" }
    }

    static let offlineCases: [OfflineCase] = [
        OfflineCase(assignment: [2, 4], isr: [2, 4], live: [2, 4], unclean: false, expected: 2),
        OfflineCase(assignment: [2, 4], isr: [2, 4], live: [4], unclean: false, expected: 4),
        OfflineCase(assignment: [2, 4, 6], isr: [6, 4], live: [2, 4, 6], unclean: false, expected: 4),  // assignment order, not ISR order
        OfflineCase(assignment: [2, 4], isr: [2], live: [4], unclean: false, expected: nil),
        OfflineCase(assignment: [2, 4], isr: [2], live: [4], unclean: true, expected: 4),
        OfflineCase(assignment: [2, 4], isr: [], live: [], unclean: true, expected: nil),
        OfflineCase(assignment: [2, 4, 6], isr: [2], live: [6, 4], unclean: true, expected: 4),
    ]

    @Test(arguments: offlineCases)
    func offlinePartitionLeaderElection_table(_ c: OfflineCase) {
        #expect(
            PartitionLeaderElection.offlinePartitionLeaderElection(
                assignment: c.assignment, isr: c.isr, liveReplicas: c.live, uncleanLeaderElectionEnabled: c.unclean)
                == c.expected)
    }

    @Test func reassignPartitionLeaderElection_table() {
        #expect(PartitionLeaderElection.reassignPartitionLeaderElection(reassignment: [2, 4], isr: [2, 4], liveReplicas: [2, 4]) == 2)
        #expect(PartitionLeaderElection.reassignPartitionLeaderElection(reassignment: [2, 4], isr: [2, 4], liveReplicas: [4]) == 4)
        #expect(PartitionLeaderElection.reassignPartitionLeaderElection(reassignment: [2, 4], isr: [], liveReplicas: [2, 4]) == nil)
        #expect(PartitionLeaderElection.reassignPartitionLeaderElection(reassignment: [2, 4], isr: [2, 4], liveReplicas: []) == nil)
    }

    @Test func preferredReplicaPartitionLeaderElection_table() {
        #expect(PartitionLeaderElection.preferredReplicaPartitionLeaderElection(assignment: [2, 4], isr: [2, 4], liveReplicas: [2, 4]) == 2)
        #expect(PartitionLeaderElection.preferredReplicaPartitionLeaderElection(assignment: [2, 4], isr: [4], liveReplicas: [2, 4]) == nil)
        #expect(PartitionLeaderElection.preferredReplicaPartitionLeaderElection(assignment: [2, 4], isr: [2, 4], liveReplicas: [4]) == nil)
        #expect(PartitionLeaderElection.preferredReplicaPartitionLeaderElection(assignment: [], isr: [2], liveReplicas: [2]) == nil)
    }

    @Test func controlledShutdownPartitionLeaderElection_table() {
        #expect(PartitionLeaderElection.controlledShutdownPartitionLeaderElection(assignment: [2, 4], isr: [2, 4], liveReplicas: [2, 4], shuttingDownBrokers: []) == 2)
        #expect(PartitionLeaderElection.controlledShutdownPartitionLeaderElection(assignment: [2, 4], isr: [2, 4], liveReplicas: [2, 4], shuttingDownBrokers: [2]) == 4)
        #expect(PartitionLeaderElection.controlledShutdownPartitionLeaderElection(assignment: [2, 4], isr: [2], liveReplicas: [2, 4], shuttingDownBrokers: [2]) == nil)
        #expect(PartitionLeaderElection.controlledShutdownPartitionLeaderElection(assignment: [2, 4], isr: [2, 4], liveReplicas: [2], shuttingDownBrokers: [2]) == nil)
    }

    @Test func leaderForOffline_cleanKeepsLiveISR_uncleanISRIsLeaderOnly() {
        let context = makeContext(liveBrokers: [2, 3])
        let partition = tp("t", 0)
        context.updatePartitionFullReplicaAssignment(partition, ReplicaAssignment(replicas: [1, 2, 3]))
        let current = LeaderAndISR(leader: 1, leaderEpoch: 5, isr: [1, 3], zkVersion: 9)
        let clean = PartitionLeaderElection.leaderForOffline(partition, leaderAndISR: current, uncleanLeaderElectionEnabled: false, context: context)
        #expect(clean.leaderAndISR == LeaderAndISR(leader: 3, leaderEpoch: 6, isr: [3], zkVersion: 9))
        #expect(clean.liveReplicas == [2, 3])
        #expect(!clean.isUnclean)

        let lonely = LeaderAndISR(leader: 1, leaderEpoch: 5, isr: [1], zkVersion: 9)
        let unclean = PartitionLeaderElection.leaderForOffline(partition, leaderAndISR: lonely, uncleanLeaderElectionEnabled: true, context: context)
        #expect(unclean.leaderAndISR == LeaderAndISR(leader: 2, leaderEpoch: 6, isr: [2], zkVersion: 9))
        #expect(unclean.isUnclean)

        let none = PartitionLeaderElection.leaderForOffline(partition, leaderAndISR: lonely, uncleanLeaderElectionEnabled: false, context: context)
        #expect(none.leaderAndISR == nil)
    }

    @Test func leaderForOffline_replicaOnOfflineLogDirectory_isNotLive() {
        let context = makeContext(liveBrokers: [1, 2])
        let partition = tp("t", 0)
        context.updatePartitionFullReplicaAssignment(partition, ReplicaAssignment(replicas: [1, 2]))
        context.replicasOnOfflineDirectories[1] = [partition]
        let result = PartitionLeaderElection.leaderForOffline(
            partition, leaderAndISR: LeaderAndISR(leader: 1, leaderEpoch: 0, isr: [1, 2], zkVersion: 0),
            uncleanLeaderElectionEnabled: false, context: context)
        #expect(result.leaderAndISR?.leader == 2)
        #expect(result.leaderAndISR?.isr == [2])
    }

    @Test func leaderForReassign_usesTargetReplicas_keepsISR() {
        let context = makeContext(liveBrokers: [1, 2, 3, 4])
        let partition = tp("t", 0)
        context.updatePartitionFullReplicaAssignment(
            partition, ReplicaAssignment(replicas: [4, 2, 3, 1], addingReplicas: [4], removingReplicas: [1]))
        let current = LeaderAndISR(leader: 1, leaderEpoch: 2, isr: [1, 2, 3, 4], zkVersion: 3)
        let result = PartitionLeaderElection.leaderForReassign(partition, leaderAndISR: current, context: context)
        #expect(result.leaderAndISR == LeaderAndISR(leader: 4, leaderEpoch: 3, isr: [1, 2, 3, 4], zkVersion: 3))
        #expect(result.liveReplicas == [4, 2, 3])
    }

    @Test func leaderForPreferredReplica_onlyHead_keepsISR_recipientsFullAssignment() {
        let context = makeContext(liveBrokers: [1, 2, 3])
        let partition = tp("t", 0)
        context.updatePartitionFullReplicaAssignment(partition, ReplicaAssignment(replicas: [1, 2, 3]))
        let current = LeaderAndISR(leader: 2, leaderEpoch: 2, isr: [2, 1], zkVersion: 3)
        let result = PartitionLeaderElection.leaderForPreferredReplica(partition, leaderAndISR: current, context: context)
        #expect(result.leaderAndISR == LeaderAndISR(leader: 1, leaderEpoch: 3, isr: [2, 1], zkVersion: 3))
        #expect(result.liveReplicas == [1, 2, 3])
        context.shuttingDownBrokerIDs = [1]
        #expect(PartitionLeaderElection.leaderForPreferredReplica(partition, leaderAndISR: current, context: context).leaderAndISR == nil)
    }

    @Test func leaderForControlledShutdown_removesAllShuttingDownFromISR() {
        let context = makeContext(liveBrokers: [1, 2, 3])
        let partition = tp("t", 0)
        context.updatePartitionFullReplicaAssignment(partition, ReplicaAssignment(replicas: [1, 2, 3]))
        context.shuttingDownBrokerIDs = [1, 2]
        let current = LeaderAndISR(leader: 1, leaderEpoch: 2, isr: [1, 2, 3], zkVersion: 3)
        let result = PartitionLeaderElection.leaderForControlledShutdown(partition, leaderAndISR: current, context: context)
        #expect(result.leaderAndISR == LeaderAndISR(leader: 3, leaderEpoch: 3, isr: [3], zkVersion: 3))
        #expect(result.liveReplicas == [1, 2, 3])
    }
}
