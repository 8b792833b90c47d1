import Foundation
import KafkaController
import KafkaModel

/// Renders a merged trace as a readable timeline or as JSON lines.
///
/// ```
/// 12:00:07.114  broker 2  epoch 2  ★ elected controller: /controller_epoch is now 2 (znode version 1)
/// 12:00:07.120  broker 2  epoch 2  event BrokerChange (waited 0.2 ms, took 41.7 ms)
/// 12:00:07.131  broker 2  epoch 2    demo-0 OnlinePartition → OnlinePartition leader 1→3 isr [1,2,3]→[2,3] leader epoch 1 (cause BrokerFailure)
/// ```
public struct TraceTimelineRenderer: Sendable {
    /// The time zone of the clock column.
    public var timeZone: TimeZone
    /// Folds runs of broker-response events from one broker into one line.
    public var foldBrokerResponses: Bool

    public init(timeZone: TimeZone = .current, foldBrokerResponses: Bool = true) {
        self.timeZone = timeZone
        self.foldBrokerResponses = foldBrokerResponses
    }

    /// One line per entry (folded response runs count as one).
    public func lines(_ entries: [TraceEntry]) -> [String] {
        var lines: [String] = []
        var lastKnown: [TopicPartition: (leader: BrokerID, isr: [BrokerID])] = [:]
        var index = 0
        while index < entries.count {
            let entry = entries[index]
            if foldBrokerResponses, let event = entry.event, TraceFilter.brokerResponseEventTypes.contains(event.type) {
                var counts: [String: Int] = [:]
                var end = index
                while end < entries.count, entries[end].brokerID == entry.brokerID, let next = entries[end].event,
                    TraceFilter.brokerResponseEventTypes.contains(next.type)
                {
                    counts[next.type.replacingOccurrences(of: "ResponseReceived", with: ""), default: 0] += 1
                    end += 1
                }
                let summary = counts.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
                lines.append(prefix(entry) + "  broker responses: \(summary)")
                index = end
                continue
            }
            lines.append(prefix(entry) + describe(entry, lastKnown: &lastKnown))
            index += 1
        }
        return lines
    }

    /// The whole timeline as text, one line per entry, ending with a newline (empty for no entries).
    public func render(_ entries: [TraceEntry]) -> String {
        let all = lines(entries)
        return all.isEmpty ? "" : all.joined(separator: "\n") + "\n"
    }

    /// One JSON object per entry: the record's own fields plus `broker` (whose trace), `time` (timeline
    /// milliseconds) and, for events, the inferred `controllerEpoch` when the broker was controller.
    public static func jsonLines(_ entries: [TraceEntry]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var text = ""
        for entry in entries {
            text += String(decoding: try encoder.encode(MergedLine(entry: entry)), as: UTF8.self) + "\n"
        }
        return text
    }

    // MARK: - Pieces

    func prefix(_ entry: TraceEntry) -> String {
        let epoch = entry.controllerEpoch.map { "epoch \($0)" } ?? "-"
        return "\(clock(entry.timeMs))  broker \(entry.brokerID)  \(epoch.padding(toLength: 9, withPad: " ", startingAt: 0))"
    }

    /// KRaft milestones' metadata log positions.
    func offsets(_ milestone: ControllerMilestoneTraceRecord) -> String {
        var parts: [String] = []
        if let committed = milestone.committedOffset { parts.append("committed offset \(committed)") }
        if let end = milestone.logEndOffset { parts.append("log end \(end)") }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
    }

    func clock(_ milliseconds: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "HH:mm:ss.SSS"
        return formatter.string(from: Date(timeIntervalSince1970: milliseconds / 1000))
    }

    func describe(_ entry: TraceEntry, lastKnown: inout [TopicPartition: (leader: BrokerID, isr: [BrokerID])]) -> String {
        switch entry.record {
        case .milestone(let milestone):
            switch milestone.kind {
            case .elected where milestone.epochZKVersion == nil && milestone.logEndOffset != nil:
                return "★ elected controller: Raft leader in epoch \(milestone.controllerEpoch.map(String.init) ?? "?")\(offsets(milestone))"
            case .candidate:
                return "Raft candidate in epoch \(milestone.controllerEpoch.map(String.init) ?? "?")\(offsets(milestone))"
            case .voted:
                return "Raft vote for controller \(milestone.votedFor.map(String.init) ?? "?") in epoch \(milestone.controllerEpoch.map(String.init) ?? "?")"
            case .follower:
                return "Raft follower of controller \(milestone.raftLeaderID.map(String.init) ?? "?") in epoch \(milestone.controllerEpoch.map(String.init) ?? "?")\(offsets(milestone))"
            case .elected:
                let version = milestone.epochZKVersion.map { " (znode version \($0))" } ?? ""
                return "★ elected controller: /controller_epoch is now \(milestone.controllerEpoch.map(String.init) ?? "?")\(version)"
            case .failoverCompleted:
                return "failover complete: serving as controller with epoch \(milestone.controllerEpoch.map(String.init) ?? "?")"
            case .resigned:
                return "resigned as controller"
            case .brokerChange:
                var parts: [String] = []
                if let new = milestone.newBrokers, !new.isEmpty { parts.append("new \(list(new))") }
                if let dead = milestone.deadBrokers, !dead.isEmpty { parts.append("dead \(list(dead))") }
                if let bounced = milestone.bouncedBrokers, !bounced.isEmpty { parts.append("bounced \(list(bounced))") }
                let live = milestone.liveBrokers.map { ", live \(list($0))" } ?? ""
                return "broker change: " + parts.joined(separator: ", ") + live
            }
        case .event(let event):
            switch event.outcome {
            case .processed:
                return "event \(event.type) (waited \(milliseconds(event.queueWaitMs)), took \(milliseconds(event.processingMs)))"
            case .failed:
                return "event \(event.type) FAILED after \(milliseconds(event.processingMs)): \(event.error ?? "unknown error")"
            case .preempted:
                return "event \(event.type) preempted after waiting \(milliseconds(event.queueWaitMs))"
            }
        case .transition(let transition):
            var text = "  \(transition.topic)-\(transition.partition) "
            if let replica = transition.replica { text += "replica \(replica) " }
            text += "\(transition.from) → \(transition.to)"
            let key = transition.topicPartition
            let before = lastKnown[key]
            if let leader = transition.leader {
                if let old = before?.leader, old != leader { text += " leader \(old)→\(leader)" } else { text += " leader \(leader)" }
            }
            if let isr = transition.isr {
                if let old = before?.isr, old != isr { text += " isr \(list(old))→\(list(isr))" } else { text += " isr \(list(isr))" }
            }
            if let leaderEpoch = transition.leaderEpoch { text += " leader epoch \(leaderEpoch)" }
            text += " (cause \(transition.cause))"
            switch transition.outcome {
            case .applied:
                if let leader = transition.leader, let isr = transition.isr { lastKnown[key] = (leader, isr) }
            case .refused: text += " REFUSED" + (transition.reason.map { ": \($0)" } ?? "")
            case .failed: text += " FAILED" + (transition.reason.map { ": \($0)" } ?? "")
            }
            return text
        }
    }

    private func list(_ ids: [BrokerID]) -> String { "[" + ids.map(String.init).joined(separator: ",") + "]" }

    private func milliseconds(_ value: Double) -> String { String(format: "%.1f ms", value) }
}

/// A merged-trace JSON line: the record's fields plus where it sits.
private struct MergedLine: Encodable {
    let entry: TraceEntry

    enum Keys: String, CodingKey {
        case broker, time, controllerEpoch
    }

    func encode(to encoder: any Encoder) throws {
        try entry.record.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(entry.brokerID, forKey: .broker)
        try container.encode(entry.timeMs, forKey: .time)
        if case .event = entry.record, let epoch = entry.controllerEpoch {
            try container.encode(epoch, forKey: .controllerEpoch)
        }
    }
}
