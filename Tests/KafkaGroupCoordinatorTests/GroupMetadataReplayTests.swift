import KafkaGroupCoordinator
import KafkaModel
import Testing

@Suite("Loading groups from an uncompacted __consumer_offsets log", .tags(.unit))
struct GroupMetadataReplayTests {
    let tp = TopicPartition(topic: "t", partition: 0)

    func offsetRecord(_ group: String, _ offset: Int64?) -> ([UInt8]?, [UInt8]?) {
        (GroupRecordCodec.encodeKey(.offset(groupId: group, tp)),
         offset.map { GroupRecordCodec.encodeOffset(OffsetAndMetadata(offset: $0, metadata: "", commitTimestampMs: 1)) })
    }

    func groupRecord(_ group: String, generation: Int32?, members: [String] = []) -> ([UInt8]?, [UInt8]?) {
        (GroupRecordCodec.encodeKey(.group(group)),
         generation.map {
             GroupRecordCodec.encodeGroup(GroupMetadataValue(
                 groupId: group, protocolType: "consumer", generation: $0, protocolName: members.isEmpty ? nil : "range",
                 leader: members.first, currentStateTimestampMs: 10,
                 members: members.map {
                     .init(memberId: $0, groupInstanceId: nil, clientId: "c", clientHost: "h", rebalanceTimeoutMs: 1_000,
                           sessionTimeoutMs: 10_000, subscription: [], assignment: [9])
                 }))
         })
    }

    @Test("the latest record per key wins and tombstones delete")
    func latestWins() {
        var replay = GroupMetadataReplay()
        for (key, value) in [
            offsetRecord("a", 5), groupRecord("a", generation: 1, members: ["m1"]), offsetRecord("a", 8),
            groupRecord("a", generation: 2, members: ["m1", "m2"]),
            offsetRecord("b", 3), offsetRecord("b", nil),
            offsetRecord("c", 1), groupRecord("c", generation: 4), groupRecord("c", generation: nil),
        ] {
            replay.apply(key: key, value: value)
        }
        let groups = replay.groups(config: GroupCoordinatorConfig(), nowMs: 100)
        #expect(groups.map(\.groupId) == ["a", "c"], "b lost its only offset; c's group record was deleted but an offset remains")
        let a = groups[0]
        #expect(a.generationId == 2)
        #expect(a.state == .stable)
        #expect(a.members.count == 2)
        #expect(a.members["m2"]?.assignment == [9])
        #expect(a.offsets[tp]?.offset == 8)
        #expect(groups[1].state == .empty)
        #expect(groups[1].offsets[tp]?.offset == 1)
        #expect(replay.skipped.isEmpty)
    }

    @Test("unreadable records are skipped and reported")
    func skipsGarbage() {
        var replay = GroupMetadataReplay()
        replay.apply(key: nil, value: [1])
        replay.apply(key: [0, 7], value: [1])
        #expect(replay.skipped.count == 2)
        #expect(replay.groups(config: GroupCoordinatorConfig(), nowMs: 0).isEmpty)
    }
}

@Suite("A loaded group over group.max.size", .tags(.unit))
struct LoadedGroupCapacityTests {
    @Test("rebalances, and members beyond the limit are turned away as they rejoin")
    func overCapacity() {
        var config = GroupCoordinatorConfig()
        config.maxSize = 1
        let value = GroupMetadataValue(
            groupId: "g", protocolType: "consumer", generation: 3, protocolName: "range", leader: "m1", currentStateTimestampMs: 0,
            members: ["m1", "m2"].map {
                .init(memberId: $0, groupInstanceId: nil, clientId: "c", clientHost: "h", rebalanceTimeoutMs: 1_000,
                      sessionTimeoutMs: 10_000, subscription: [], assignment: [])
            })
        var group = ConsumerGroup.loaded(from: value, offsets: [:], config: config, nowMs: 0)
        #expect(group.state == .stable)
        _ = group.rebalanceIfOverCapacity(nowMs: 0)
        #expect(group.state == .preparingRebalance)
        let input = JoinGroupInput(
            memberId: "m1", requireKnownMemberId: false, clientId: "c", clientHost: "h", rebalanceTimeoutMs: 1_000,
            sessionTimeoutMs: 10_000, protocolType: "consumer", protocols: [.init(name: "range", metadata: [])], newMemberIdSuffix: "x")
        _ = group.join(input, token: 1, nowMs: 10)
        var second = input
        second.memberId = "m2"
        let refused = group.join(second, token: 2, nowMs: 20)
        #expect(refused.contains { if case .completeJoin(2, let outcome) = $0 { outcome.error == .groupMaxSizeReached } else { false } })
    }
}
