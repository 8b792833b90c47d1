import Foundation
import KafkaGroupCoordinator

/// Renders group-coordinator trace records as timeline lines, and merges them with the controller's
/// timeline by time.
///
/// ```
/// 12:00:09.410  broker 3  group     ◆ orders: PreparingRebalance generation 4, members [c1, c2] (c3 left)
/// 12:00:09.980  broker 3  group     ◆ orders: Stable generation 5 (range, leader c1), c1 → demo(0,1,2), c2 → demo(3,4,5)
/// ```
public struct GroupTimelineRenderer: Sendable {
    public var timeZone: TimeZone

    public init(timeZone: TimeZone = .current) { self.timeZone = timeZone }

    /// One line per record; `previous` (the group's record before, if any) names who joined and left.
    public func line(_ record: GroupTraceRecord, previous: GroupTraceRecord?) -> String {
        let clock = TraceTimelineRenderer(timeZone: timeZone).clock(Double(record.timeMs))
        var text = "\(clock)  broker \(record.broker)  group     ◆ \(record.group): \(record.state)"
        if record.state != "Dead" { text += " generation \(record.generation)" }
        var details: [String] = []
        if record.state == "Stable" || record.state == "CompletingRebalance" {
            details += [record.protocolName, record.leader.map { "leader \($0)" }].compactMap { $0 }
        }
        if !details.isEmpty { text += " (" + details.joined(separator: ", ") + ")" }
        let ids = record.members.map(\.memberId)
        if record.state == "Stable" {
            let owned = record.members.map { member in
                let parts = member.assignment.filter { !$0.value.isEmpty }.map { topic, partitions in
                    "\(topic)(" + partitions.sorted().map(String.init).joined(separator: ",") + ")"
                }.sorted()
                return "\(member.memberId) → " + (parts.isEmpty ? "-" : parts.joined(separator: ","))
            }
            if !owned.isEmpty { text += ", " + owned.joined(separator: ", ") }
        } else if record.state != "Dead" {
            text += ", members [" + ids.joined(separator: ", ") + "]"
        }
        if let previous, previous.state != "Dead" {
            let before = Set(previous.members.map(\.memberId))
            let joined = ids.filter { !before.contains($0) }
            let left = previous.members.map(\.memberId).filter { !ids.contains($0) }
            var changes: [String] = []
            if !joined.isEmpty { changes.append(joined.joined(separator: ", ") + " joined") }
            if !left.isEmpty { changes.append(left.joined(separator: ", ") + " left") }
            if !changes.isEmpty { text += " (" + changes.joined(separator: "; ") + ")" }
        }
        return text
    }

    /// The lines of `records` (in time order) with their times.
    public func lines(_ records: [GroupTraceRecord]) -> [(timeMs: Double, line: String)] {
        var previous: [String: GroupTraceRecord] = [:]
        return records.map { record in
            defer { previous[record.group] = record }
            return (Double(record.timeMs), line(record, previous: previous[record.group]))
        }
    }

    /// The controller timeline (`controller`, rendered run by run so response folding still applies)
    /// interleaved with the group lines by time; the controller's entry comes first on a tie.
    public func merged(controller: [TraceEntry], groups: [GroupTraceRecord], controllerRenderer: TraceTimelineRenderer) -> [String] {
        let groupLines = lines(groups)
        var out: [String] = []
        var controllerIndex = 0
        var groupIndex = 0
        while controllerIndex < controller.count || groupIndex < groupLines.count {
            if groupIndex < groupLines.count,
                controllerIndex >= controller.count || groupLines[groupIndex].timeMs < controller[controllerIndex].timeMs
            {
                out.append(groupLines[groupIndex].line)
                groupIndex += 1
                continue
            }
            // The run of controller entries before the next group line.
            var end = controllerIndex
            while end < controller.count, groupIndex >= groupLines.count || controller[end].timeMs <= groupLines[groupIndex].timeMs { end += 1 }
            out += controllerRenderer.lines(Array(controller[controllerIndex..<end]))
            controllerIndex = end
        }
        return out
    }
}
