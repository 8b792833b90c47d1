/// A request's partition states grouped by topic, topics in name order, each topic's states in their order in the
/// request: how the wire messages nest them.
///
/// The controller's requests hold their states sorted by partition, so each topic is one run of the array: the
/// runs are slices of it, not copies (the `Dictionary(grouping:)` this replaces copied every state of a
/// 100,000-partition request once more per sender while encoding; issue 14). Unsorted input is grouped by a sort
/// of its indices, with the same result.
enum TopicRuns {
    static func of<State>(_ states: [State], topic: (State) -> String) -> [(topic: String, states: ArraySlice<State>)] {
        var runs: [(topic: String, states: ArraySlice<State>)] = []
        var start = states.startIndex
        while start < states.endIndex {
            let name = topic(states[start])
            var end = start + 1
            while end < states.endIndex, topic(states[end]) == name { end += 1 }
            runs.append((name, states[start..<end]))
            start = end
        }
        guard zip(runs, runs.dropFirst()).allSatisfy({ $0.topic < $1.topic }) else { return grouped(states, topic: topic) }
        return runs
    }

    /// Any order: a stable sort of the indices by topic.
    private static func grouped<State>(_ states: [State], topic: (State) -> String) -> [(topic: String, states: ArraySlice<State>)] {
        let order = states.indices.sorted { (topic(states[$0]), $0) < (topic(states[$1]), $1) }
        let sorted = order.map { states[$0] }
        return of(sorted, topic: topic)
    }
}
