import KafkaRaft

/// A hand-driven quorum for scenario tests: messages wait in one FIFO until delivered (all, or
/// selectively), fsyncs complete when the network goes quiet, members can be isolated, and time
/// only moves when `advance(by:)` says so.
struct ScriptedCluster {
    var members: [Int32: RaftInstance] = [:]
    var inFlight: [RaftEnvelope] = []
    var isolated: Set<Int32> = []
    var now: Int64 = 0
    var pendingFlush: Set<Int32> = []
    /// Every directive each member produced, in order.
    var history: [Int32: [RaftDirective]] = [:]

    init(voters: [Int32], observers: [Int32] = [], config: RaftConfig = RaftConfig()) {
        for id in voters + observers {
            members[id] = RaftInstance(localId: id, voters: voters, config: config, quorumState: nil, now: 0, seed: UInt64(id) * 7919)
        }
        for id in voters + observers { step(id) { instance, _ in instance.start(now: 0) } }
    }

    mutating func step(_ id: Int32, _ input: (inout RaftInstance, Int64) -> [RaftDirective]) {
        let directives = input(&members[id]!, now)
        history[id, default: []] += directives
        for directive in directives {
            switch directive {
            case .send(let envelope): inFlight.append(envelope)
            case .flushLog: pendingFlush.insert(id)
            default: break
            }
        }
    }

    /// Delivers messages until none are left (those to or from isolated members are dropped),
    /// completing fsyncs whenever the queue runs dry.
    mutating func deliverAll(where shouldDeliver: (RaftEnvelope) -> Bool = { _ in true }) {
        while true {
            if let index = inFlight.firstIndex(where: shouldDeliver) {
                let envelope = inFlight.remove(at: index)
                if isolated.contains(envelope.source) || isolated.contains(envelope.destination) { continue }
                step(envelope.destination) { $0.onMessage(envelope, now: $1) }
            } else if let id = pendingFlush.sorted().first {
                pendingFlush.remove(id)
                let endOffset = members[id]!.log.endOffset
                step(id) { $0.onLogFlushed(endOffset: endOffset, now: $1) }
            } else {
                return
            }
        }
    }

    /// Moves time forward in 1 ms steps, firing due timers and delivering everything each step.
    mutating func advance(by milliseconds: Int64) {
        let end = now + milliseconds
        while now < end {
            now += 1
            for id in members.keys.sorted() where members[id]!.nextDeadline <= now {
                step(id) { $0.onTick(now: $1) }
            }
            deliverAll()
        }
    }

    var leaders: [Int32] { members.keys.sorted().filter { members[$0]!.state.isLeader } }

    mutating func append(to id: Int32, _ payload: [UInt8]) -> Int64? {
        var offset: Int64?
        step(id) { instance, now in
            let result = instance.append([payload], now: now)
            offset = result.baseOffset
            return result.directives
        }
        return offset
    }
}
