import KafkaModel
import KafkaProtocol

extension ControllerBenchmarkRun {
    /// Waits until no surviving broker's cache shows `victim` (or no one) leading a benchmark partition;
    /// returns when that was first seen on every survivor.
    ///
    /// Polling full Metadata answers of N partitions (megabytes at 100,000) would keep the brokers busy encoding
    /// them while they apply the controller's requests, so it polls three topics holding partitions `victim`
    /// led — first, middle and last by name; the controller's UpdateMetadata covers all of a pass's partitions
    /// at once — and confirms with one full answer per survivor. If the full answer still shows the victim
    /// somewhere, it falls back to polling full answers, and that time is the figure.
    func waitUntilLeadersMoved(off victim: BrokerID, led: Set<TopicPartition>) async throws -> Int64 {
        let survivors = try brokers().filter { $0.id != victim }
        let prefix = prefix
        let ledTopics = Set(led.map(\.topic)).sorted()
        let sample = ledTopics.isEmpty ? [] : Array(Set([ledTopics[0], ledTopics[ledTopics.count / 2], ledTopics[ledTopics.count - 1]])).sorted()
        var sampledAt: Int64?
        if !sample.isEmpty {
            sampledAt = try await probe.waitUntil(
                survivors, topics: sample, timeout: timeout, what: "no partition of \(sample) led by broker \(victim)"
            ) { answer in
                let known = answer.benchPartitions(prefix: prefix)
                return Set(known.map(\.topic)).count == sample.count && !known.contains { $0.leader == victim || $0.leader < 0 }
            }
        }
        let expected = partitions
        let everywhere: @Sendable (MetadataResponse) -> Bool = {
            let known = $0.benchPartitions(prefix: prefix)
            return known.count == expected && !known.contains { $0.leader == victim || $0.leader < 0 }
        }
        if let sampledAt {
            var confirmed = true
            for broker in survivors where !everywhere(try await probe.metadata(broker)) { confirmed = false }
            if confirmed { return sampledAt }
            progress("the sampled topics moved before the rest; polling full metadata")
        }
        return try await probe.waitUntil(survivors, timeout: timeout, what: "no partition led by broker \(victim)", everywhere)
    }
}
