import ControllerTraceReader
import Foundation
import KafkaController
import KafkaGroupCoordinator
import Testing

@Suite("group-coordinator-trace.jsonl on the zkafka trace timeline", .tags(.unit))
struct GroupTimelineTests {
    let utc = TimeZone(secondsFromGMT: 0)!

    func record(_ timeMs: Int64, _ state: String, generation: Int32, members: [(String, [String: [Int32]])], leader: String? = "a")
        -> GroupTraceRecord
    {
        GroupTraceRecord(
            timeMs: timeMs, broker: 2, group: "orders", state: state, generation: generation, protocolName: "range", leader: leader,
            members: members.map { .init(memberId: $0.0, groupInstanceId: nil, clientId: "c", host: "/127.0.0.1", assignment: $0.1) })
    }

    @Test("lines round-trip through JSON and name state, generation, assignments, who joined and left")
    func lines() throws {
        let first = record(1_000, "Stable", generation: 3, members: [("a", ["t": [1, 0]]), ("b", ["t": [2]])])
        let second = record(2_000, "PreparingRebalance", generation: 3, members: [("a", [:])])
        let third = record(2_500, "Stable", generation: 4, members: [("a", ["t": [0, 1, 2]]), ("c", [:])])
        let text = try [first, second, third].map { try $0.jsonLine() }.joined(separator: "\n") + "\n{oops\n"
        let parsed = GroupTraceReader.parse(text, file: "f")
        #expect(parsed.records == [first, second, third])
        #expect(parsed.problems.map(\.line) == [4])
        let lines = GroupTimelineRenderer(timeZone: utc).lines(parsed.records).map(\.line)
        #expect(lines[0] == "00:00:01.000  broker 2  group     ◆ orders: Stable generation 3 (range, leader a), a → t(0,1), b → t(2)")
        #expect(lines[1] == "00:00:02.000  broker 2  group     ◆ orders: PreparingRebalance generation 3, members [a] (b left)")
        #expect(lines[2] == "00:00:02.500  broker 2  group     ◆ orders: Stable generation 4 (range, leader a), a → t(0,1,2), c → - (c joined)")
    }

    @Test("group lines interleave with controller entries by time")
    func merged() {
        let milestone = ControllerMilestoneTraceRecord(kind: .elected, timeMs: 1_500, brokerID: 1, controllerEpoch: 7)
        let entry = TraceEntry(brokerID: 1, file: "c", line: 1, timeMs: 1_500, controllerEpoch: 7, record: .milestone(milestone))
        let out = GroupTimelineRenderer(timeZone: utc).merged(
            controller: [entry],
            groups: [record(1_000, "Empty", generation: 1, members: []), record(2_000, "Dead", generation: 1, members: [])],
            controllerRenderer: TraceTimelineRenderer(timeZone: utc))
        #expect(out.count == 3)
        #expect(out[0].hasPrefix("00:00:01.000  broker 2  group     ◆ orders: Empty generation 1"))
        #expect(out[1].hasPrefix("00:00:01.500  broker 1") && out[1].contains("elected controller"))
        #expect(out[2] == "00:00:02.000  broker 2  group     ◆ orders: Dead")
    }
}
