import Foundation
import KafkaMetadata
import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol
import KafkaQuorumController

/// What a KRaft broker pays to publish one metadata delta into its ``MetadataCache``: the delta of one ISR change
/// (one PartitionChangeRecord, what AlterPartition and most of the log are) at N partitions, published the way
/// the broker did before (the image's full state as an UpdateMetadata, `MetadataImage.metadataUpdate(previous:)`,
/// plus the comparison of every partition for local leader/follower changes) against the incremental way
/// (`MetadataDelta.metadataUpdate`, `localChanges` over the touched partitions). Both end in the same cache
/// (checked). For `zkafka bench metadata`.
public enum MetadataPublishBenchmark {
    public struct Row: Sendable {
        public var partitions: Int
        public var implementation: String
        public var deltas: Int
        public var seconds: Double
        public var microsecondsPerDelta: Double { seconds / Double(deltas) * 1e6 }
    }

    /// An image of 3 live brokers and one topic of `partitions` partitions (RF 3).
    static func image(partitions: Int) -> MetadataImage {
        var delta = MetadataDelta(base: .empty)
        var offset: Int64 = 0
        func replay(_ record: MetadataRecord) {
            delta.replay(record, offset: offset)
            offset += 1
        }
        for id: Int32 in 1...3 {
            replay(.registerBroker(RegisterBrokerRecord(
                brokerId: id, incarnationId: KafkaUUID(mostSignificantBits: 1, leastSignificantBits: UInt64(id)), brokerEpoch: offset,
                endPoints: [.init(name: "PLAINTEXT", host: "127.0.0.1", port: 9090 + UInt16(id), securityProtocol: 0)], rack: nil,
                fenced: false)))
        }
        let topicID = topicID
        replay(.topic(TopicRecord(name: "bench", topicId: topicID)))
        for p in 0..<Int32(partitions) {
            let replicas = [p % 3 + 1, (p + 1) % 3 + 1, (p + 2) % 3 + 1]
            replay(.partition(PartitionRecord(
                partitionId: p, topicId: topicID, replicas: replicas, isr: replicas, leader: replicas[0], leaderEpoch: 0, partitionEpoch: 0)))
        }
        return delta.image
    }

    static let topicID = KafkaUUID(mostSignificantBits: 7, leastSignificantBits: 7)

    /// For each N, publishes ISR-change deltas (a shrink then an expansion, alternating over the partitions) for
    /// about `secondsPerRow`, the full way then the incremental way, each into its own cache.
    public static func run(partitionCounts: [Int], secondsPerRow: Double = 1) throws -> [Row] {
        var rows: [Row] = []
        for n in partitionCounts {
            let start = image(partitions: n)
            var finals: [MetadataSnapshot] = []
            for implementation in ["full image", "incremental"] {
                let cache = MetadataCache()
                cache.apply(start.metadataUpdate(controllerID: 1, controllerEpoch: 1))
                var current = start
                var deltas = 0
                let clock = ContinuousClock()
                let began = clock.now
                var elapsed = Duration.zero
                // An even number of deltas, so both caches end at the same state.
                while elapsed < .milliseconds(Int64(secondsPerRow * 1000)) || deltas % 2 == 1 {
                    let p = Int32((deltas / 2) % n)
                    let registration = current.state.topics[topicID]!.partitions[p]!
                    let isr = deltas % 2 == 0 ? Array(registration.replicas.dropLast()) : registration.replicas
                    var delta = MetadataDelta(base: current)
                    delta.replay(.partitionChange(PartitionChangeRecord(partitionId: p, topicId: topicID, isr: isr)), offset: current.offset + 1)
                    if implementation == "full image" {
                        cache.apply(delta.image.metadataUpdate(controllerID: 1, controllerEpoch: 1, previous: delta.base))
                        _ = MetadataDelta(base: delta.base, replacingWith: delta.image).localChanges(broker: 1)
                    } else {
                        cache.apply(delta.metadataUpdate(controllerID: 1, controllerEpoch: 1))
                        _ = delta.localChanges(broker: 1)
                    }
                    current = delta.image
                    deltas += 1
                    elapsed = clock.now - began
                }
                rows.append(Row(
                    partitions: n, implementation: implementation, deltas: deltas,
                    seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
                finals.append(cache.snapshot)
            }
            // Both ways publish the same partitions' states; only the number of deltas differs.
            guard finals[0].liveBrokers == finals[1].liveBrokers, finals[0].partitionCount == finals[1].partitionCount else {
                throw BenchmarkError("the full and incremental caches differ at N=\(n)")
            }
        }
        return rows
    }
}
