import KafkaProtocol
import KafkaRaft
import KafkaRaftProtocol
import Testing

/// DescribeQuorum: the leader's view of every replica, and its wire form.
@Suite(.tags(.unit)) struct DescribeQuorumTests {
    @Test func leader_describesEveryVoter_andTheWireCarriesIt() throws {
        var cluster = ScriptedCluster(voters: [1, 2, 3])
        cluster.advance(by: 3000)
        let leaderId = try #require(cluster.leaders.first)
        _ = cluster.append(to: leaderId, [1])
        cluster.advance(by: 100)
        let leader = cluster.members[leaderId]!
        let info = try #require(leader.describeQuorum(now: cluster.now))
        #expect(info.leaderId == leaderId && info.leaderEpoch == leader.epoch)
        #expect(info.highWatermark == leader.highWatermark)
        #expect(info.voters.map(\.replicaId) == [1, 2, 3])
        #expect(info.voters.allSatisfy { $0.logEndOffset == leader.log.endOffset && $0.lastCaughtUpTimestamp > 0 })
        let follower = cluster.members[[Int32(1), 2, 3].first { $0 != leaderId }!]!
        #expect(follower.describeQuorum(now: cluster.now) == nil)

        let response = RaftWireCodec.describeQuorumResponse(info, leaderId: leaderId, leaderEpoch: leader.epoch)
        for version in DescribeQuorumResponse.validVersions {
            let decoded = try DescribeQuorumResponse.decode(response.encoded(version: version), version: version)
            let partition = try #require(decoded.topics.first?.partitions.first)
            #expect(partition.highWatermark == info.highWatermark)
            #expect(partition.currentVoters.map(\.logEndOffset) == info.voters.map(\.logEndOffset))
        }
        let request = RaftWireCodec.describeQuorumRequest()
        #expect(try DescribeQuorumRequest.decode(request.encoded(version: 0), version: 0) == request)
    }
}
