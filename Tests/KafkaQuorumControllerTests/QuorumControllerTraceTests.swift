import Foundation
import KafkaController
import KafkaMetadataRecords
import KafkaModel
import KafkaQuorumController
import Testing

/// KRaft trace lines use ZooKeeper mode's controller-trace vocabulary and decode with its reader's decoder.
@Suite(.tags(.unit)) struct QuorumControllerTraceTests {
    private func trace(_ log: [MetadataRecord]) -> [ControllerTraceRecord] {
        var state = QuorumControllerState()
        var lines: [ControllerTraceRecord] = []
        for (offset, record) in log.enumerated() {
            lines += QuorumControllerTrace.records(
                for: record, offset: Int64(offset), before: state, controllerID: 100, raftEpoch: 3,
                timeMs: 1_000 + Int64(offset))
            state.replay(record, offset: Int64(offset))
        }
        return lines
    }

    @Test func fencingALeader_tracesTheBrokerChangeAndTheLeaderMove() throws {
        var f = QuorumControllerFixture()
        f.startBrokers([1, 2])
        f.createTopic("t", partitions: 1, replicationFactor: 2)
        f.now += 9_001
        f.heartbeat(2)
        _ = f.fenceStaleBrokers()
        let lines = trace(f.log)
        let milestones = lines.compactMap { if case .milestone(let m) = $0 { m } else { nil } }
        #expect(milestones.map(\.liveBrokers) == [[1], [1, 2], [2]])
        #expect(milestones.last?.deadBrokers == [1])
        let transitions = lines.compactMap { if case .transition(let t) = $0 { t } else { nil } }
        #expect(transitions.map(\.to) == ["OnlinePartition", "OnlinePartition"])
        #expect(transitions.last?.leader == 2)
        #expect(transitions.last?.leaderEpoch == 1)
        #expect(transitions.last?.cause.hasPrefix("PartitionChangeRecord@") == true)

        // Every line encodes as ZooKeeper mode's JSON lines and decodes with the same decoder `zkafka trace` uses.
        for line in lines + [QuorumControllerTrace.leadershipChange(controllerID: 100, isLeader: true, raftEpoch: 3, timeMs: 5)] {
            let text = try ControllerTraceLineEncoder.line(line)
            let decoded = try JSONDecoder().decode(ControllerTraceRecord.self, from: Data(text.utf8))
            #expect(decoded == line)
        }
    }

    @Test func raftRoleChanges_becomeMilestonesWithOffsets() throws {
        let follower = QuorumControllerTrace.raftRoleChange(
            controllerID: 2, role: "Follower", raftEpoch: 4, leaderID: 1, votedFor: nil, committedOffset: 10,
            logEndOffset: 12, timeMs: 7)
        guard case .milestone(let milestone) = follower else {
            Issue.record("expected a milestone, got \(String(describing: follower))")
            return
        }
        #expect(milestone.kind == .follower && milestone.raftLeaderID == 1 && milestone.controllerEpoch == 4)
        #expect(milestone.committedOffset == 10 && milestone.logEndOffset == 12)
        let voted = QuorumControllerTrace.raftRoleChange(
            controllerID: 3, role: "Voted", raftEpoch: 5, leaderID: nil, votedFor: 1, committedOffset: 0, logEndOffset: 0,
            timeMs: 7)
        guard case .milestone(let vote) = voted else {
            Issue.record("expected a milestone")
            return
        }
        #expect(vote.kind == .voted && vote.votedFor == 1 && vote.raftLeaderID == nil)
        #expect(QuorumControllerTrace.raftRoleChange(
            controllerID: 1, role: "Unattached", raftEpoch: 1, leaderID: nil, votedFor: nil, committedOffset: 0,
            logEndOffset: 0, timeMs: 7) == nil)
        let text = try ControllerTraceLineEncoder.line(follower!)
        #expect(try JSONDecoder().decode(ControllerTraceRecord.self, from: Data(text.utf8)) == follower)
    }
}
