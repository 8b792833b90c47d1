import KafkaController
import KafkaModel
import Testing

@testable import ZooKeeperModeController

/// The wire messages' topic nesting, built from a request's sorted states without copying them: the same groups,
/// in the same order, as grouping by topic and sorting the names.
@Suite("Topic runs of a controller request", .tags(.unit))
struct TopicRunsTests {
    static func states(_ pairs: [(String, Int32)]) -> [TopicPartition] { pairs.map { TopicPartition(topic: $0.0, partition: $0.1) } }

    static func reference(_ states: [TopicPartition]) -> [[TopicPartition]] {
        let byTopic = Dictionary(grouping: states, by: \.topic)
        return byTopic.keys.sorted().map { byTopic[$0]! }
    }

    @Test func sortedStates_formOneRunPerTopic_inNameOrder() {
        let input = Self.states([("a", 0), ("a", 1), ("b", 0), ("c", 2), ("c", 5)])
        let runs = TopicRuns.of(input, topic: \.topic)
        #expect(runs.map(\.topic) == ["a", "b", "c"])
        #expect(runs.map { Array($0.states) } == Self.reference(input))
    }

    @Test func unsortedStates_areGroupedAsByTopic_keepingTheirOrderWithinATopic() {
        let input = Self.states([("b", 3), ("a", 1), ("b", 1), ("c", 0), ("a", 0)])
        let runs = TopicRuns.of(input, topic: \.topic)
        #expect(runs.map(\.topic) == ["a", "b", "c"])
        #expect(runs.map { Array($0.states) } == Self.reference(input))
    }

    @Test func noStates_noRuns() {
        #expect(TopicRuns.of([TopicPartition](), topic: \.topic).isEmpty)
    }
}
