import Dispatch
import Foundation
import KafkaClient

/// End-to-end latency at low load (Kafka's `EndToEndLatency` tool, paced): one record every
/// millisecond, each stamped with its send time (monotonic nanoseconds in the first 8 bytes of
/// the value); a consumer in the same process, positioned at the end beforehand, notes each
/// record's arrival. Latency is arrival − stamp: produce, replication to the high watermark (with
/// acks=all on RF 3), the broker's parked fetch returning, and decoding.
struct EndToEndLatency: Sendable {
    let bootstrap: String
    let records: Int
    let recordSize: Int

    func measure(topic: String, acks: Int16, setup: String) async throws -> ProduceBenchmarkResult.Latency {
        var consumerConfig = ConsumerConfig()
        consumerConfig.clientID = "zkafka-bench-latency-consumer"
        consumerConfig.fetchMaxWaitMs = 500
        let consumer = try KafkaConsumer(bootstrapServers: bootstrap, config: consumerConfig)
        let partitions = try await consumer.partitions(of: topic)
        try await consumer.assign(partitions)
        await consumer.seek(partitions, to: .latest)
        for partition in partitions { _ = try await consumer.position(partition) }

        var producerConfig = ProducerConfig()
        producerConfig.acks = acks
        producerConfig.lingerMs = 0
        producerConfig.clientID = "zkafka-bench-latency-producer"
        let producer = try KafkaProducer(bootstrapServers: bootstrap, config: producerConfig)
        _ = try await producer.metadata.topic(topic)

        let expected = records
        let receiving = Task { () -> [Double] in
            var latencies: [Double] = []
            latencies.reserveCapacity(expected)
            var idleSince = ContinuousClock.now
            while latencies.count < expected {
                let batch = try await consumer.poll(timeout: .milliseconds(200))
                let now = DispatchTime.now().uptimeNanoseconds
                if batch.isEmpty {
                    if ContinuousClock.now - idleSince > .seconds(5) { break }
                    continue
                }
                idleSince = ContinuousClock.now
                for record in batch {
                    guard let value = record.value, value.count >= 8 else { continue }
                    let stamp = value.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                    latencies.append(Double(now &- stamp) / 1_000_000)
                }
            }
            return latencies
        }
        var value = [UInt8](repeating: UInt8(ascii: "x"), count: max(8, recordSize))
        for _ in 0..<records {
            let stamp = DispatchTime.now().uptimeNanoseconds
            withUnsafeBytes(of: stamp) { value.replaceSubrange(0..<8, with: $0) }
            try await producer.send(ProducerRecord(topic: topic, value: value))
            try await Task.sleep(for: .milliseconds(1))
        }
        await producer.flush()
        let latencies = try await receiving.value.sorted()
        let failed = producer.failedRecordCount
        await producer.close()
        await consumer.close()
        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return .nan }
            return latencies[min(latencies.count - 1, max(0, Int((p * Double(latencies.count)).rounded(.up)) - 1))]
        }
        var problem: String?
        if failed > 0 { problem = "\(failed) sends failed: \(producer.firstError.map { "\($0)" } ?? "")" }
        if latencies.count < records { problem = (problem.map { $0 + "; " } ?? "") + "received \(latencies.count) of \(records)" }
        return ProduceBenchmarkResult.Latency(
            setup: setup, samples: latencies.count, sent: records, p50Ms: percentile(0.5), p99Ms: percentile(0.99),
            p999Ms: percentile(0.999), maxMs: latencies.last ?? .nan, problem: problem)
    }
}
