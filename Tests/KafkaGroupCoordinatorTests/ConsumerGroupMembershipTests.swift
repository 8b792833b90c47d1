import KafkaGroupCoordinator
import KafkaModel
import KafkaProtocol
import Testing

@Suite("ConsumerGroup sync, heartbeat, leave, static members", .tags(.unit))
struct ConsumerGroupMembershipTests {
    typealias S = GroupTestSupport

    @Test("followers' SyncGroup waits for the leader's assignment, which is stored before anyone gets it")
    func syncBarrier() {
        var group = ConsumerGroup(groupId: "g", config: S.config, nowMs: 0)
        _ = group.join(S.joinInput(suffix: "1"), token: 1, nowMs: 0)
        _ = group.join(S.joinInput(suffix: "2"), token: 2, nowMs: 0)
        #expect(group.tick(nowMs: 3_000).isEmpty, "a member joined during the initial delay: it waits once more")
        #expect(S.joins(group.tick(nowMs: 6_000)).count == 2)
        #expect(group.sync(SyncGroupInput(generationId: 1, memberId: "c-2"), token: 20, nowMs: 6_100).isEmpty)
        let leaderSync = group.sync(
            SyncGroupInput(generationId: 1, memberId: "c-1", assignments: ["c-1": [1], "c-2": [2]]), token: 10, nowMs: 6_200)
        let stores = S.stores(leaderSync)
        #expect(stores.count == 1 && stores[0].1, "the leader's SyncGroup waits for the group record")
        #expect(stores.first?.0.members.map(\.assignment) == [[1], [2]])
        #expect(S.syncs(leaderSync).isEmpty)
        let answers = S.syncs(group.groupStored(generation: 1, error: .none, nowMs: 6_300))
        #expect(answers[10]?.assignment == [1])
        #expect(answers[20]?.assignment == [2])
        #expect(group.state == .stable)
        // A late follower SyncGroup in Stable is answered at once.
        #expect(S.syncs(group.sync(SyncGroupInput(generationId: 1, memberId: "c-2"), token: 21, nowMs: 6_400))[21]?.assignment == [2])
    }

    @Test("a failed store answers every parked SyncGroup with the error and rebalances")
    func storeFailure() {
        var group = ConsumerGroup(groupId: "g", config: S.config, nowMs: 0)
        _ = group.join(S.joinInput(), token: 1, nowMs: 0)
        _ = group.tick(nowMs: 3_000)
        _ = group.sync(SyncGroupInput(generationId: 1, memberId: "c-1", assignments: ["c-1": [1]]), token: 10, nowMs: 3_000)
        let answers = S.syncs(group.groupStored(generation: 1, error: .notCoordinator, nowMs: 3_100))
        #expect(answers[10]?.error == .notCoordinator)
        #expect(group.state == .preparingRebalance)
    }

    @Test("SyncGroup and Heartbeat errors: unknown member, illegal generation, rebalance in progress")
    func errors() {
        var (group, ids) = S.stableGroup(count: 2)
        #expect(S.syncs(group.sync(SyncGroupInput(generationId: 1, memberId: "x"), token: 1, nowMs: 7_000))[1]?.error == .unknownMemberID)
        #expect(S.syncs(group.sync(SyncGroupInput(generationId: 7, memberId: ids[0]), token: 2, nowMs: 7_000))[2]?.error == .illegalGeneration)
        #expect(group.heartbeat(memberId: ids[0], groupInstanceId: nil, generationId: 1, nowMs: 7_000) == .none)
        #expect(group.heartbeat(memberId: ids[0], groupInstanceId: nil, generationId: 0, nowMs: 7_000) == .illegalGeneration)
        #expect(group.heartbeat(memberId: "x", groupInstanceId: nil, generationId: 1, nowMs: 7_000) == .unknownMemberID)
        _ = group.join(S.joinInput(memberId: ids[0]), token: 3, nowMs: 7_100)
        #expect(S.syncs(group.sync(SyncGroupInput(generationId: 1, memberId: ids[1]), token: 4, nowMs: 7_200))[4]?.error == .rebalanceInProgress)
    }

    @Test("a member whose session runs out is removed and the others rebalance")
    func sessionExpiry() {
        var (group, ids) = S.stableGroup(count: 3)
        // Stable at t=6000 with 10 s sessions; ids[0] and ids[1] heartbeat, ids[2] is gone.
        for t in stride(from: Int64(7_000), through: 15_000, by: 2_000) {
            _ = group.heartbeat(memberId: ids[0], groupInstanceId: nil, generationId: 1, nowMs: t)
            _ = group.heartbeat(memberId: ids[1], groupInstanceId: nil, generationId: 1, nowMs: t)
            #expect(group.tick(nowMs: t).isEmpty)
        }
        _ = group.tick(nowMs: 16_000)
        #expect(group.members[ids[2]] == nil)
        #expect(group.state == .preparingRebalance)
        #expect(group.heartbeat(memberId: ids[0], groupInstanceId: nil, generationId: 1, nowMs: 16_100) == .rebalanceInProgress)
    }

    @Test("LeaveGroup removes members (several at once, v3+) and reports unknown ones")
    func leave() {
        var (group, ids) = S.stableGroup(count: 3)
        let result = group.leave([.init(memberId: ids[0]), .init(memberId: ids[1]), .init(memberId: "nobody")], nowMs: 7_000)
        #expect(result.error == KafkaErrorCode.none)
        #expect(result.memberErrors == [.none, .none, .unknownMemberID])
        #expect(group.members.keys.sorted() == [ids[2]])
        #expect(group.state == .preparingRebalance)
        let last = group.leave([.init(memberId: ids[2])], nowMs: 7_100)
        #expect(last.memberErrors == [.none])
        #expect(group.state == .empty, "the last member leaving completes the join phase with nobody")
        #expect(group.generationId == 2)
        #expect(S.stores(last.actions).count == 1, "the empty generation is stored")
    }

    @Test("static membership: a restarted instance takes over its membership and fences the old member id")
    func staticMembership() {
        var group = ConsumerGroup(groupId: "g", config: S.config, nowMs: 0)
        _ = group.join(S.joinInput(instance: "i1", suffix: "1"), token: 1, nowMs: 0)
        let oldId = S.joins(group.tick(nowMs: 3_000))[1]!.memberId
        #expect(oldId == "i1-1")
        _ = group.sync(SyncGroupInput(generationId: 1, memberId: oldId, groupInstanceId: "i1", assignments: [oldId: [7]]), token: 2, nowMs: 3_000)
        _ = group.groupStored(generation: 1, error: .none, nowMs: 3_000)
        // The same instance joins again without its member id: no rebalance, a new id, same generation.
        let rejoin = group.join(S.joinInput(instance: "i1", suffix: "2"), token: 3, nowMs: 4_000)
        let answer = S.joins(rejoin)[3]
        #expect(answer?.memberId == "i1-2")
        #expect(answer?.generationId == 1)
        #expect(group.state == .stable)
        #expect(S.stores(rejoin).count == 1)
        #expect(group.heartbeat(memberId: oldId, groupInstanceId: "i1", generationId: 1, nowMs: 4_100) == .fencedInstanceID)
        #expect(group.heartbeat(memberId: "i1-2", groupInstanceId: "i1", generationId: 1, nowMs: 4_100) == .none)
        #expect(S.syncs(group.sync(SyncGroupInput(generationId: 1, memberId: "i1-2", groupInstanceId: "i1"), token: 4, nowMs: 4_200))[4]?.assignment == [7])
    }

    @Test("offset commits: standalone to an empty group, refused with a stale generation or while completing the rebalance")
    func commitRules() {
        var empty = ConsumerGroup(groupId: "solo", config: S.config, nowMs: 0)
        #expect(empty.commitRefusal(memberId: "", groupInstanceId: nil, generationId: -1, nowMs: 0) == nil)
        var (group, ids) = S.stableGroup(count: 1)
        #expect(group.commitRefusal(memberId: ids[0], groupInstanceId: nil, generationId: 1, nowMs: 7_000) == nil)
        #expect(group.commitRefusal(memberId: ids[0], groupInstanceId: nil, generationId: 0, nowMs: 7_000) == .illegalGeneration)
        #expect(group.commitRefusal(memberId: "x", groupInstanceId: nil, generationId: 1, nowMs: 7_000) == .unknownMemberID)
        _ = group.join(S.joinInput(memberId: ids[0]), token: 5, nowMs: 7_000)
        #expect(group.state == .completingRebalance)
        #expect(group.commitRefusal(memberId: ids[0], groupInstanceId: nil, generationId: 2, nowMs: 7_000) == .rebalanceInProgress)
    }

    @Test("an empty group's offsets expire offsets.retention.minutes after it became empty, then the group is dead")
    func offsetExpiry() {
        var config = S.config
        config.offsetsRetentionMs = 60_000
        var group = ConsumerGroup(groupId: "g", config: config, nowMs: 0)
        _ = group.join(S.joinInput(), token: 1, nowMs: 0)
        _ = group.tick(nowMs: 3_000)
        let tp = TopicPartition(topic: "t", partition: 0)
        group.commitStored([tp: OffsetAndMetadata(offset: 5, metadata: "", commitTimestampMs: 3_000)])
        _ = group.leave([.init(memberId: "c-1")], nowMs: 10_000)
        #expect(group.state == .empty)
        #expect(group.removeExpiredOffsets(nowMs: 69_999).isEmpty)
        #expect(group.removeExpiredOffsets(nowMs: 70_000) == [tp])
        let dead = group.markDeadIfEmptyWithoutOffsets(nowMs: 70_000)
        #expect(dead)
        #expect(group.state == .dead)
    }
}
