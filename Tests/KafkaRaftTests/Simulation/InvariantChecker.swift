import KafkaRaft

/// The safety properties checked after every simulation step (KIP-595 / Raft):
/// - election safety: at most one leader per epoch;
/// - leader completeness: a member that becomes leader holds every committed record;
/// - state-machine safety: every member's committed prefix agrees with the committed log, and a
///   snapshot's digest equals the committed log's digest at its offset;
/// - a member's high watermark never decreases (except through a restart, which forgets it);
/// - only a leader extends the committed log;
/// - log matching (Raft §5.3): whenever a leader is elected, any two members' logs that hold a
///   record of the same epoch at the same offset are identical up to it.
struct InvariantChecker {
    private(set) var leaderByEpoch: [Int32: Int32] = [:]
    private(set) var committedLog: [RaftRecord] = []
    /// `committedDigests[i]`: the state-machine digest after the first `i` committed records.
    private(set) var committedDigests: [UInt64] = [SimulatedStateMachine.initialDigest]
    private(set) var maxCommittedClientId: UInt64?
    private(set) var violation: String?
    /// Set when `check` saw a new leader; the simulation then checks log matching across members.
    var newLeaderElected = false

    mutating func recordViolation(_ message: String) { fail(message) }

    private mutating func fail(_ message: String) {
        if violation == nil { violation = message }
    }

    mutating func check(_ node: SimulatedNode) {
        guard violation == nil, let instance = node.instance else { return }
        if case .leader(let leader) = instance.state {
            if let other = leaderByEpoch[leader.epoch] {
                if other != node.id { fail("two leaders in epoch \(leader.epoch): \(other) and \(node.id)") }
            } else {
                leaderByEpoch[leader.epoch] = node.id
                checkLeaderCompleteness(node, instance)
                newLeaderElected = true
            }
        }
        let highWatermark = instance.highWatermark
        if highWatermark < node.lastHighWatermark {
            fail("member \(node.id) high watermark went back from \(node.lastHighWatermark) to \(highWatermark)")
            return
        }
        if highWatermark > node.lastHighWatermark {
            let from = max(node.lastHighWatermark, instance.log.startOffset)
            for offset in from..<highWatermark {
                guard let record = instance.log.record(at: offset) else {
                    fail("member \(node.id) committed offset \(offset) it does not hold")
                    return
                }
                if offset < Int64(committedLog.count) {
                    if committedLog[Int(offset)] != record {
                        fail("member \(node.id) committed \(record) at \(offset), committed log has \(committedLog[Int(offset)])")
                        return
                    }
                } else if offset == Int64(committedLog.count), instance.state.isLeader {
                    committedLog.append(record)
                    committedDigests.append(SimulatedStateMachine.fold(committedDigests.last!, record))
                    if let id = ClientPayload.id(of: record) { maxCommittedClientId = max(maxCommittedClientId ?? 0, id) }
                } else {
                    fail("member \(node.id) (\(instance.state.name)) committed offset \(offset) beyond the committed log (\(committedLog.count))")
                    return
                }
            }
        }
        node.lastHighWatermark = highWatermark
    }

    private mutating func checkLeaderCompleteness(_ node: SimulatedNode, _ instance: RaftInstance) {
        let log = instance.log
        if log.startOffset > Int64(committedLog.count) {
            fail("new leader \(node.id) starts its log at \(log.startOffset), past the committed log \(committedLog.count)")
            return
        }
        if log.endOffset < Int64(committedLog.count) {
            fail("new leader \(node.id) of epoch \(instance.epoch) ends at \(log.endOffset), committed log at \(committedLog.count)")
            return
        }
        for offset in log.startOffset..<Int64(committedLog.count) where log.record(at: offset) != committedLog[Int(offset)] {
            fail("new leader \(node.id) of epoch \(instance.epoch) lacks committed \(committedLog[Int(offset)]) at \(offset)")
            return
        }
    }

    /// Raft's Log Matching Property between every pair of running members.
    mutating func checkLogMatching(_ nodes: [SimulatedNode]) {
        let logs = nodes.compactMap { node in node.instance.map { (node.id, $0.log) } }
        for i in logs.indices {
            for j in logs.indices where j > i {
                let (a, b) = (logs[i].1, logs[j].1)
                let low = max(a.startOffset, b.startOffset)
                var offset = min(a.endOffset, b.endOffset) - 1
                while offset >= low, a.record(at: offset)!.epoch != b.record(at: offset)!.epoch { offset -= 1 }
                guard offset >= low else { continue }
                for o in low...offset where a.record(at: o) != b.record(at: o) {
                    fail("members \(logs[i].0) and \(logs[j].0) share epoch \(a.record(at: offset)!.epoch) at \(offset) but differ at \(o)")
                    return
                }
            }
        }
    }

    /// A state machine reached `offset` with `digest` (by applying records or loading a snapshot).
    mutating func checkApplied(_ node: SimulatedNode, offset: Int64, digest: UInt64) {
        guard violation == nil else { return }
        guard offset < Int64(committedDigests.count) else {
            fail("member \(node.id) applied up to \(offset), past the committed log \(committedLog.count)")
            return
        }
        if committedDigests[Int(offset)] != digest {
            fail("member \(node.id) state machine at \(offset) disagrees with the committed log")
        }
    }
}
