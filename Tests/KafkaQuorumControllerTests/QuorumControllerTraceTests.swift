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
}
