import ChildProcess
import Foundation
import KafkaClient

/// The clients `zkafka bench produce` times: kcat (librdkafka) as an external process, and the
/// project's own `KafkaProducer` and `KafkaConsumer` in this process.
struct ThroughputClients: Sendable {
    let bootstrap: String
    let records: Int
    let recordSize: Int
    /// The same batching for every producer: linger 5 ms, batches up to 256 KiB.
    static let lingerMs = 5
    static let batchBytes = 262_144

    /// `kcat -P ... -l FILE` over a file of `records` lines; returns the process's wall time.
    func kcatProduce(topic: String, acks: String, file: String) async throws -> Double {
        try await Self.timeProcess(
            "/usr/bin/kcat",
            [
                "-P", "-b", bootstrap, "-t", topic, "-X", "acks=\(acks)", "-X", "linger.ms=\(Self.lingerMs)",
                "-X", "batch.size=\(Self.batchBytes)", "-X", "queue.buffering.max.messages=1000000", "-l", file,
            ])
    }

    /// `kcat -C -e -o beginning -q`: reads every partition to its end, output discarded.
    func kcatConsume(topic: String) async throws -> Double {
        try await Self.timeProcess("/usr/bin/kcat", ["-C", "-b", bootstrap, "-t", topic, "-e", "-o", "beginning", "-q"])
    }

    /// `records` records of `recordSize` bytes through `KafkaProducer`, flushed; the failures are
    /// returned beside the time.
    func ownProduce(topic: String, acks: Int16) async throws -> (seconds: Double, failed: Int, firstError: String?) {
        var config = ProducerConfig()
        config.acks = acks
        config.lingerMs = Self.lingerMs
        config.batchSize = Self.batchBytes
        config.maxRequestSize = 4 * 1024 * 1024
        config.bufferMemory = 64 * 1024 * 1024
        config.clientID = "zkafka-bench-producer"
        let producer = try KafkaProducer(bootstrapServers: bootstrap, config: config)
        _ = try await producer.metadata.topic(topic)
        let value = [UInt8](repeating: UInt8(ascii: "x"), count: recordSize)
        let start = ContinuousClock.now
        for _ in 0..<records {
            try await producer.send(ProducerRecord(topic: topic, value: value))
        }
        await producer.flush()
        let seconds = (ContinuousClock.now - start).seconds
        let failed = producer.failedRecordCount
        let firstError = producer.firstError.map { "\($0)" }
        await producer.close()
        return (seconds, failed, firstError)
    }

    /// Reads `expected` records from the start of every partition with `KafkaConsumer`.
    func ownConsume(topic: String, expected: Int) async throws -> (seconds: Double, received: Int) {
        var config = ConsumerConfig()
        config.clientID = "zkafka-bench-consumer"
        config.maxPollRecords = 100_000
        config.autoOffsetReset = .earliest
        let consumer = try KafkaConsumer(bootstrapServers: bootstrap, config: config)
        let partitions = try await consumer.partitions(of: topic)
        try await consumer.assign(partitions)
        await consumer.seek(partitions, to: .earliest)
        let start = ContinuousClock.now
        var received = 0
        var idleSince = ContinuousClock.now
        while received < expected {
            let batch = try await consumer.poll(timeout: .milliseconds(500))
            if batch.isEmpty {
                if ContinuousClock.now - idleSince > .seconds(10) { break }
            } else {
                idleSince = ContinuousClock.now
                received += batch.count
            }
        }
        let seconds = (ContinuousClock.now - start).seconds
        await consumer.close()
        return (seconds, received)
    }

    /// The sum of the topic's log-end offsets (how many records it holds, from offset 0).
    func endOffsetTotal(topic: String) async throws -> Int {
        let consumer = try KafkaConsumer(bootstrapServers: bootstrap)
        let partitions = try await consumer.partitions(of: topic)
        let offsets = try await consumer.listOffsets(partitions, spec: .latest)
        await consumer.close()
        return offsets.values.reduce(0) { $0 + Int($1.offset ?? 0) }
    }

    /// Writes `records` lines of `recordSize` printable bytes (plus the newline kcat splits on).
    static func writeRecordFile(_ path: String, records: Int, recordSize: Int) throws {
        let line = [UInt8](repeating: UInt8(ascii: "x"), count: recordSize) + [UInt8(ascii: "\n")]
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let linesPerChunk = max(1, (1 << 20) / line.count)
        var written = 0
        while written < records {
            let count = min(linesPerChunk, records - written)
            var chunk: [UInt8] = []
            chunk.reserveCapacity(count * line.count)
            for _ in 0..<count { chunk += line }
            try handle.write(contentsOf: chunk)
            written += count
        }
    }

    /// Runs a process to completion off the cooperative pool and returns its wall time; a
    /// non-zero exit (or an hour without one) throws with the end of its stderr.
    static func timeProcess(_ executable: String, _ arguments: [String]) async throws -> Double {
        try await WallClock.offPool {
            let errorPath = FileManager.default.temporaryDirectory.appendingPathComponent("zkafka-bench-\(UUID().uuidString).err").path
            defer { try? FileManager.default.removeItem(atPath: errorPath) }
            let start = ContinuousClock.now
            let status = try ChildProcess.run(
                ChildProcessOptions([executable] + arguments, standardError: .file(errorPath, append: false)), timeout: .seconds(3600))
            let seconds = (ContinuousClock.now - start).seconds
            guard status == .exited(0) else {
                let errorOutput = FileManager.default.contents(atPath: errorPath) ?? Data()
                let text = String(decoding: errorOutput.suffix(400), as: UTF8.self)
                throw BenchmarkFailure("\(executable) \(status.map { "\($0)" } ?? "did not finish within an hour"): \(text)")
            }
            return seconds
        }
    }
}
