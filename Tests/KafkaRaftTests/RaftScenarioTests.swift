import KafkaRaft
import Testing

/// Targeted KIP-595 / KIP-630 scenarios on a scripted quorum.
@Suite(.tags(.unit)) struct RaftScenarioTests {
    @Test func splitVote_noLeaderInThatEpoch_thenOneLeaderLater() {
        var cluster = ScriptedCluster(voters: [1, 2, 3, 4])
        // Members 1 and 2 stand at the same moment; 3 hears 1 first, 4 hears 2 first: 2 votes each of 4.
        cluster.now = 5000
        cluster.step(1) { $0.onTick(now: $1) }
        cluster.step(2) { $0.onTick(now: $1) }
        #expect(cluster.members[1]!.epoch == 1 && cluster.members[2]!.epoch == 1)
        cluster.inFlight.removeAll { $0.source == 1 && $0.destination == 2 || $0.source == 2 && $0.destination == 1 }
        cluster.deliverAll { $0.source == 1 && $0.destination == 3 || $0.source == 2 && $0.destination == 4 }
        cluster.deliverAll { $0.source != 3 && $0.source != 4 }
        cluster.deliverAll()
        #expect(cluster.leaders.isEmpty, "a split vote elects nobody")
        cluster.advance(by: 5000)
        #expect(cluster.leaders.count == 1)
        let leader = cluster.members[cluster.leaders[0]]!
        #expect(leader.epoch >= 2)
    }

    @Test func leaderPartitionedAway_resignsByCheckQuorum_andItsUncommittedTailIsTruncatedAfterHealing() throws {
        var cluster = ScriptedCluster(voters: [1, 2, 3])
        cluster.advance(by: 3000)
        let oldLeader = try #require(cluster.leaders.first)
        let oldEpoch = cluster.members[oldLeader]!.epoch
        #expect(cluster.append(to: oldLeader, [1]) != nil)
        cluster.advance(by: 100)
        let committedBefore = cluster.members[oldLeader]!.highWatermark

        cluster.isolated = [oldLeader]
        // Written by the cut-off leader: can never commit.
        #expect(cluster.append(to: oldLeader, [0xDE, 0xAD]) != nil)
        // Check-quorum: no Fetch from a majority for 1.5 × fetch timeout (3 s) → Resigned.
        cluster.advance(by: 3500)
        guard case .resigned = cluster.members[oldLeader]!.state else {
            Issue.record("the isolated leader should have resigned by check-quorum, is \(cluster.members[oldLeader]!.state.name)")
            return
        }
        cluster.advance(by: 3000)
        let newLeader = try #require(cluster.leaders.first { $0 != oldLeader })
        #expect(cluster.members[newLeader]!.epoch > oldEpoch)
        #expect(cluster.append(to: newLeader, [2]) != nil)
        cluster.advance(by: 100)

        cluster.isolated = []
        cluster.advance(by: 3000)
        let rejoined = cluster.members[oldLeader]!
        #expect(rejoined.leaderId == newLeader)
        #expect(cluster.history[oldLeader]!.contains { if case .truncateLog = $0 { true } else { false } })
        let reference = cluster.members[newLeader]!.log
        #expect(rejoined.log.records == reference.records)
        #expect(!rejoined.log.records.contains { $0.payload == .data([0xDE, 0xAD]) })
        #expect(rejoined.highWatermark > committedBefore)
    }

    @Test func laggingFollower_belowTheLeadersLogStart_fetchesAndInstallsTheSnapshot() throws {
        var cluster = ScriptedCluster(voters: [1, 2, 3])
        cluster.advance(by: 3000)
        let leader = try #require(cluster.leaders.first)
        let lagging = [Int32(1), 2, 3].first { $0 != leader }!
        cluster.isolated = [lagging]
        for value in UInt8(1)...5 { _ = cluster.append(to: leader, [value]) }
        cluster.advance(by: 200)
        let highWatermark = cluster.members[leader]!.highWatermark
        cluster.step(leader) { $0.createSnapshot(endOffset: highWatermark, data: [42], now: $1) }
        #expect(cluster.members[leader]!.log.startOffset == highWatermark)

        cluster.isolated = []
        cluster.advance(by: 1500)
        let follower = cluster.members[lagging]!
        #expect(cluster.history[lagging]!.contains(.installSnapshot(RaftSnapshot(
            id: cluster.members[leader]!.log.latestSnapshot!.id, data: [42]))))
        #expect(follower.log.startOffset == highWatermark)
        #expect(follower.log.endOffset == cluster.members[leader]!.log.endOffset)
        #expect(follower.highWatermark >= highWatermark)
    }

    @Test func gracefulResignation_preferredSuccessorStandsAtOnce() throws {
        var cluster = ScriptedCluster(voters: [1, 2, 3])
        cluster.advance(by: 3000)
        let leader = try #require(cluster.leaders.first)
        let epoch = cluster.members[leader]!.epoch
        cluster.step(leader) { $0.resign(now: $1) }
        let endQuorum = cluster.inFlight.compactMap { envelope -> [Int32]? in
            if case .endQuorumEpochRequest(let request) = envelope.message { return request.preferredSuccessors }
            return nil
        }
        #expect(endQuorum.count == 2)
        let successor = try #require(endQuorum.first?.first)
        cluster.advance(by: 50)
        #expect(cluster.leaders == [successor])
        #expect(cluster.members[successor]!.epoch == epoch + 1)
    }

    @Test func observer_findsTheLeaderThroughAnyVoter_andReplicatesWithoutVoting() throws {
        var cluster = ScriptedCluster(voters: [1, 2, 3], observers: [101])
        cluster.advance(by: 3000)
        let leader = try #require(cluster.leaders.first)
        for value in UInt8(1)...3 { _ = cluster.append(to: leader, [value]) }
        cluster.advance(by: 1000)
        let observer = cluster.members[101]!
        #expect(observer.leaderId == leader)
        #expect(observer.log.records == cluster.members[leader]!.log.records)
        #expect(observer.highWatermark == cluster.members[leader]!.highWatermark)
        let info = try #require(cluster.members[leader]!.describeQuorum(now: cluster.now))
        #expect(info.observers.map(\.replicaId) == [101])
        // The leader goes away: the observer never stands, it finds the next leader.
        cluster.isolated = [leader]
        cluster.advance(by: 8000)
        let next = try #require(cluster.leaders.first { $0 != leader })
        #expect(cluster.members[101]!.leaderId == next)
        #expect(!cluster.history[101]!.contains { if case .send(let e) = $0, case .voteRequest = e.message { true } else { false } })
    }
}
