import KafkaGroupCoordinator
import KafkaModel
import KafkaProtocol
import Testing

@Suite("ConsumerGroup join phase", .tags(.unit))
struct ConsumerGroupJoinTests {
    typealias S = GroupTestSupport

    @Test("the first member waits group.initial.rebalance.delay.ms, then leads generation 1")
    func initialDelay() {
        var group = ConsumerGroup(groupId: "g", config: S.config, nowMs: 0)
        #expect(group.join(S.joinInput(), token: 1, nowMs: 0).isEmpty)
        #expect(group.state == .preparingRebalance)
        #expect(group.tick(nowMs: 2_999).isEmpty)
        let answer = S.joins(group.tick(nowMs: 3_000))[1]
        #expect(answer?.error == KafkaErrorCode.none)
        #expect(answer?.generationId == 1)
        #expect(answer?.memberId == "c-1")
        #expect(answer?.leaderId == "c-1")
        #expect(answer?.protocolName == "range")
        #expect(answer?.members.map(\.memberId) == ["c-1"])
        #expect(group.state == .completingRebalance)
    }

    @Test("members joining during the initial delay extend it, up to the rebalance timeout")
    func initialDelayExtends() {
        var group = ConsumerGroup(groupId: "g", config: S.config, nowMs: 0)
        _ = group.join(S.joinInput(rebalance: 5_000, suffix: "1"), token: 1, nowMs: 0)
        _ = group.join(S.joinInput(rebalance: 5_000, suffix: "2"), token: 2, nowMs: 1_000)
        // A member arrived during the first delay: it waits min(3000, remaining 2000) more.
        #expect(group.tick(nowMs: 3_000).isEmpty)
        #expect(group.tick(nowMs: 4_999).isEmpty)
        let answers = S.joins(group.tick(nowMs: 5_000))
        #expect(answers.count == 2)
        #expect(answers[1]?.members.count == 2, "the leader sees both subscriptions")
        #expect(answers[2]?.members.isEmpty == true, "followers get no member list")
    }

    @Test("JoinGroup v4+ without a member id gets MEMBER_ID_REQUIRED with its new id, then joins with it")
    func memberIdRequired() {
        var group = ConsumerGroup(groupId: "g", config: S.config, nowMs: 0)
        let first = S.joins(group.join(S.joinInput(requireKnown: true, client: "rdkafka", suffix: "abc"), token: 1, nowMs: 0))[1]
        #expect(first?.error == .memberIDRequired)
        #expect(first?.memberId == "rdkafka-abc")
        #expect(group.pendingMembers["rdkafka-abc"] != nil)
        #expect(group.join(S.joinInput(memberId: "rdkafka-abc", requireKnown: true), token: 2, nowMs: 10).isEmpty)
        #expect(group.pendingMembers.isEmpty)
        #expect(S.joins(group.tick(nowMs: 3_010))[2]?.memberId == "rdkafka-abc")
    }

    @Test("an unknown member id is refused; a bad session timeout is refused")
    func refusals() {
        var group = ConsumerGroup(groupId: "g", config: S.config, nowMs: 0)
        #expect(S.joins(group.join(S.joinInput(memberId: "ghost"), token: 1, nowMs: 0))[1]?.error == .unknownMemberID)
        #expect(S.joins(group.join(S.joinInput(session: 5_999), token: 2, nowMs: 0))[2]?.error == .invalidSessionTimeout)
        #expect(S.joins(group.join(S.joinInput(session: 1_800_001), token: 3, nowMs: 0))[3]?.error == .invalidSessionTimeout)
    }

    @Test("a member without a protocol in common gets INCONSISTENT_GROUP_PROTOCOL")
    func inconsistentProtocol() {
        var (group, _) = S.stableGroup(count: 1)
        let answer = S.joins(group.join(S.joinInput(protocols: ["roundrobin"], suffix: "9"), token: 9, nowMs: 7_000))[9]
        #expect(answer?.error == .inconsistentGroupProtocol)
    }

    @Test("group.max.size turns away members beyond it")
    func maxSize() {
        var config = S.config
        config.maxSize = 1
        var group = ConsumerGroup(groupId: "g", config: config, nowMs: 0)
        _ = group.join(S.joinInput(suffix: "1"), token: 1, nowMs: 0)
        let refused = S.joins(group.join(S.joinInput(suffix: "2"), token: 2, nowMs: 0))[2]
        #expect(refused?.error == .groupMaxSizeReached)
        #expect(group.members.count == 1)
    }

    @Test("a new member makes a Stable group rebalance; the join completes once everyone rejoined")
    func rebalanceOnNewMember() {
        var (group, ids) = S.stableGroup(count: 2)
        #expect(group.state == .stable)
        _ = group.join(S.joinInput(suffix: "3"), token: 3, nowMs: 7_000)
        #expect(group.state == .preparingRebalance)
        #expect(group.heartbeat(memberId: ids[0], groupInstanceId: nil, generationId: 1, nowMs: 7_100) == .rebalanceInProgress)
        _ = group.join(S.joinInput(memberId: ids[0]), token: 11, nowMs: 7_200)
        let answers = S.joins(group.join(S.joinInput(memberId: ids[1]), token: 12, nowMs: 7_300))
        #expect(answers.count == 3, "no rebalance timeout wait once all members rejoined")
        #expect(answers.values.allSatisfy { $0.generationId == 2 })
        #expect(group.state == .completingRebalance)
    }

    @Test("members that do not rejoin within the rebalance timeout are dropped")
    func rebalanceTimeout() {
        var (group, ids) = S.stableGroup(count: 2)
        _ = group.join(S.joinInput(memberId: ids[0], rebalance: 30_000), token: 11, nowMs: 7_000)
        // ids[1] keeps heartbeating but never rejoins.
        for t in stride(from: Int64(8_000), to: 37_000, by: 3_000) {
            #expect(group.heartbeat(memberId: ids[1], groupInstanceId: nil, generationId: 1, nowMs: t) == .rebalanceInProgress)
            _ = group.tick(nowMs: t)
        }
        let answers = S.joins(group.tick(nowMs: 37_000))
        #expect(answers[11]?.generationId == 2)
        #expect(group.members.keys.sorted() == [ids[0]])
    }

    @Test("unloading the group answers parked JoinGroups with NOT_COORDINATOR")
    func unload() {
        var group = ConsumerGroup(groupId: "g", config: S.config, nowMs: 0)
        _ = group.join(S.joinInput(), token: 1, nowMs: 0)
        let answers = S.joins(group.unload(nowMs: 10))
        #expect(answers[1]?.error == .notCoordinator)
        #expect(group.state == .dead)
        #expect(S.joins(group.join(S.joinInput(), token: 2, nowMs: 20))[2]?.error == .coordinatorNotAvailable)
    }
}

@Suite("ConsumerGroup protocol choice, leadership and pending members", .tags(.unit))
struct ConsumerGroupElectionTests {
    typealias S = GroupTestSupport

    @Test("the protocol every member supports that most members prefer wins")
    func protocolVote() {
        var group = ConsumerGroup(groupId: "g", config: S.config, nowMs: 0)
        _ = group.join(S.joinInput(protocols: ["roundrobin", "range"], suffix: "1"), token: 1, nowMs: 0)
        _ = group.join(S.joinInput(protocols: ["range", "roundrobin"], suffix: "2"), token: 2, nowMs: 0)
        _ = group.join(S.joinInput(protocols: ["range", "roundrobin", "sticky"], suffix: "3"), token: 3, nowMs: 0)
        _ = group.tick(nowMs: 3_000)
        let answers = S.joins(group.tick(nowMs: 6_000))
        #expect(answers[1]?.protocolName == "range")
        // The leader gets each member's metadata for the chosen protocol.
        #expect(answers[1]?.members.map(\.metadata) == Array(repeating: Array("range".utf8), count: 3))
    }

    @Test("a leader that does not rejoin hands leadership to a member that did")
    func leaderMoves() {
        var (group, ids) = S.stableGroup(count: 2)
        #expect(group.leaderId == ids[0])
        // The follower rejoins with changed metadata (a follower rejoining unchanged just gets the
        // current generation); the leader never rejoins and its session runs out.
        _ = group.join(S.joinInput(memberId: ids[1], protocols: ["range", "roundrobin"]), token: 12, nowMs: 7_000)
        #expect(group.state == .preparingRebalance)
        let answers = S.joins(group.tick(nowMs: 37_000))
        #expect(answers[12]?.leaderId == ids[1])
        #expect(answers[12]?.members.map(\.memberId) == [ids[1]])
        #expect(group.members.keys.sorted() == [ids[1]])
    }

    @Test("a member id handed out with MEMBER_ID_REQUIRED holds the join phase until it joins or its session expires")
    func pendingMemberExpires() {
        var (group, ids) = S.stableGroup(count: 1)
        let pending = S.joins(group.join(S.joinInput(requireKnown: true, suffix: "p"), token: 20, nowMs: 7_000))[20]
        #expect(pending?.error == .memberIDRequired)
        #expect(group.state == .stable, "handing out an id does not rebalance")
        // The leader rejoins, which starts a rebalance.
        #expect(group.join(S.joinInput(memberId: ids[0]), token: 11, nowMs: 7_000).isEmpty)
        // Everyone known has rejoined, but the pending id might still join: wait.
        #expect(S.joins(group.tick(nowMs: 8_000)).isEmpty)
        // It never comes back: after its session timeout (10 s) the join phase completes without it.
        let answers = S.joins(group.tick(nowMs: 17_000))
        #expect(answers[11]?.generationId == 2)
        #expect(group.pendingMembers.isEmpty)
    }

    @Test("a Stable consumer group keeps the offsets of topics it subscribes to and expires the others")
    func subscribedOffsetsStay() {
        var config = S.config
        config.offsetsRetentionMs = 1_000
        var group = ConsumerGroup(groupId: "g", config: config, nowMs: 0)
        let subscription = ConsumerProtocolSubscription(topics: ["t"]).encodedVersioned(version: 0)
        var input = S.joinInput()
        input.protocols = [.init(name: "range", metadata: subscription)]
        _ = group.join(input, token: 1, nowMs: 0)
        _ = group.tick(nowMs: 3_000)
        _ = group.sync(SyncGroupInput(generationId: 1, memberId: "c-1", assignments: ["c-1": []]), token: 2, nowMs: 3_000)
        _ = group.groupStored(generation: 1, error: .none, nowMs: 3_000)
        let subscribed = TopicPartition(topic: "t", partition: 0)
        let other = TopicPartition(topic: "old", partition: 0)
        group.commitStored([
            subscribed: OffsetAndMetadata(offset: 1, metadata: "", commitTimestampMs: 3_000),
            other: OffsetAndMetadata(offset: 2, metadata: "", commitTimestampMs: 3_000),
        ])
        #expect(group.removeExpiredOffsets(nowMs: 10_000) == [other])
        #expect(group.offsets.keys.sorted() == [subscribed])
    }
}
