@testable import KafkaBroker
import KafkaModel
import Testing

@Suite("A leader's follower states, and none on followers", .tags(.unit))
struct FollowerStatesTests {
    @Test func setReplaceAndRemoveByReplica() {
        var followers = FollowerStates()
        followers[2] = .init(lastCaughtUpTimeMs: 5)
        followers[3] = .init(lastCaughtUpTimeMs: 7)
        followers[2]?.logEndOffset = 10
        #expect(followers[2]?.logEndOffset == 10 && followers[2]?.lastCaughtUpTimeMs == 5)
        #expect(followers.keys == [2, 3])
        followers[2] = nil
        #expect(followers[2] == nil && followers.keys == [3] && followers.count == 1)
        followers[4] = nil
        #expect(followers.count == 1)
    }

    @Test func aLeaderTracksEveryOtherReplicaAndAFollowerNone() {
        let leader = PartitionReplicationState(
            brokerID: 1, leadership: LeaderISRAndControllerEpoch(leader: 1, leaderEpoch: 0, isr: [1, 2], zkVersion: 0, controllerEpoch: 1),
            replicas: [1, 2, 3], nowMs: 100)
        #expect(leader.followers.keys == [2, 3])
        #expect(leader.followers[2]?.lastCaughtUpTimeMs == 100 && leader.followers[3]?.lastCaughtUpTimeMs == 0)
        let follower = PartitionReplicationState(
            brokerID: 2, leadership: LeaderISRAndControllerEpoch(leader: 1, leaderEpoch: 0, isr: [1, 2], zkVersion: 0, controllerEpoch: 1),
            replicas: [1, 2, 3], nowMs: 100)
        #expect(follower.followers.isEmpty)
    }
}
