import Foundation
import KafkaTestKit
import Testing

/// `zkafka compare --partitions 100` end to end: both modes run on real clusters one after the other,
/// and the CSV and SVG it writes hold a row (and bars) for each mode.
@Suite(.tags(.cluster), .requiresZooKeeper, .serialized, .timeLimit(.minutes(8)))
struct CompareCommandTests {
    @Test func compare_smallestRun_writesCSVAndSVGWithBothModes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zkafka-compare-test-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let csv = directory + "/compare.csv"
        let svg = directory + "/compare.svg"
        let result = try Command.run(
            [try ZKafkaExecutable.path(), "compare", "--partitions", "100", "--topics-size", "50", "--csv", csv, "--svg", svg],
            timeout: .seconds(420))
        #expect(result.status == 0, "stderr: \(result.standardError)")
        #expect(result.standardOutput.contains("[1/2] zk N=100"), "no progress lines")
        #expect(result.standardOutput.contains("ctrl detect"))

        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.count == 3)
        #expect(rows.dropFirst().map { $0[1] } == ["zk", "kraft"])
        #expect(rows.dropFirst().allSatisfy { $0[0] == "100" })
        // Both modes measured a controller failover: a new active controller after detection.
        let newController = try #require(rows[0].firstIndex(of: "new_controller_s"))
        #expect(rows.dropFirst().allSatisfy { Double($0[newController]) != nil })
        // Both modes ran every scenario (KRaft: controllers, brokers, registration and fencing all work).
        #expect(rows[1].dropFirst(2).prefix(8).allSatisfy { Double($0) != nil }, "zk: \(rows[1])")
        #expect(rows[2].dropFirst(2).prefix(8).allSatisfy { Double($0) != nil }, "kraft: \(rows[2])")

        let chart = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(chart.hasPrefix("<svg") && chart.hasSuffix("</svg>\n"))
        #expect(chart.contains("<title>zk N=100") && chart.contains("<title>kraft N=100"))
    }
}
