import KafkaModel
import KafkaProtocol

extension ControllerBenchmarkRun {
    /// Waits until no surviving broker's cache shows `victim` (or no one) leading a benchmark partition;
    /// returns when that was first seen on every survivor.
    ///
    /// Polling full Metadata answers of N partitions (megabytes at 100,000) would keep the brokers busy encoding
    /// them while they apply the controller's requests, so it polls three topics holding partitions `victim`
    /// led — first, middle and last by name; the controller's UpdateMetadata covers all of a pass's partitions
    /// at once — and confirms with one full answer per survivor (``waitSampledThenConfirmed(_:sampling:what:_:)``).
    func waitUntilLeadersMoved(off victim: BrokerID, led: Set<TopicPartition>) async throws -> Int64 {
        let prefix = prefix
        return try await waitSampledThenConfirmed(
            try brokers().filter { $0.id != victim }, sampling: led, what: "no partition led by broker \(victim)"
        ) { answer, expected in
            let known = answer.benchPartitions(prefix: prefix)
            return known.count == expected && !known.contains { $0.leader == victim || $0.leader < 0 }
        }
    }

    /// Polls three topics of `sampling` (first, middle and last by name) on every broker of `brokers` until
    /// `condition` holds for their partitions, then confirms with one full answer per broker; if that still fails,
    /// polls full answers, and that time is the figure. `condition` gets an answer and the number of bench
    /// partitions it must cover (the sampled topics' or all N).
    func waitSampledThenConfirmed(
        _ brokers: [BrokerMetadataProbe.Broker], sampling: Set<TopicPartition>, what: String,
        _ condition: @escaping @Sendable (MetadataResponse, Int) -> Bool
    ) async throws -> Int64 {
        let sampledTopics = Set(sampling.map(\.topic)).sorted()
        let sample = sampledTopics.isEmpty
            ? [] : Array(Set([sampledTopics[0], sampledTopics[sampledTopics.count / 2], sampledTopics[sampledTopics.count - 1]])).sorted()
        let expected = partitions
        if !sample.isEmpty {
            let prefix = prefix
            let sampledAt = try await probe.waitUntil(brokers, topics: sample, timeout: timeout, what: "\(what) (topics \(sample))") { answer in
                let count = answer.benchPartitions(prefix: prefix).count
                return Set(answer.topics.filter { $0.errorCode == 0 }.map(\.name)).isSuperset(of: sample) && condition(answer, count)
            }
            var confirmed = true
            for broker in brokers where !condition(try await probe.metadata(broker), expected) { confirmed = false }
            if confirmed { return sampledAt }
            progress("the sampled topics moved before the rest; polling full metadata")
        }
        return try await probe.waitUntil(brokers, timeout: timeout, what: what) { condition($0, expected) }
    }
}
