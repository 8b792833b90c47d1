import Foundation
import KafkaModel
import KafkaTestKit
import LocalCluster
import Testing
import ZooKeeper

/// What the brokers keep and what they let go, with real clients: records acknowledged with
/// acks=all survive a leader's kill -9; a segment torn mid-batch by a crash is cut back to whole
/// batches on restart; retention deletes old segments and moves the log start offset.
///
/// Brokers check retention every second (Kafka: 5 minutes) and remove deleted segment files after
/// one second (Kafka: one minute), so retention is observable within a test.
@Suite(
    .tags(.cluster), .requiresZooKeeper,
    .cluster(brokerOverrides: ["log.retention.check.interval.ms": "1000", "log.segment.delete.delay.ms": "1000"]),
    .serialized, .timeLimit(.minutes(8)))
struct DataPlaneDurabilityTests {
    /// Starts every broker an earlier test left stopped, so each test begins with all three.
    private func startStoppedBrokers(_ cluster: RunningCluster) throws {
        for broker in try cluster.cluster.status().brokers where broker.pid == nil {
            try cluster.cluster.start(.broker(broker.id))
        }
    }

    /// What the produce-through-a-failure tests share: every broker up, an acks=all confluent-kafka producer (a record every 2 ms)
    /// on a new RF-3 topic with min.insync.replicas=2, 1,000 records in when `body` starts; whatever happens in
    /// `body`, the producer stops (and flushes) afterwards and the ZooKeeper session is closed.
    private func withAcksAllProducer(
        _ cluster: RunningCluster, topic: String, _ body: (AcksAllProducerRun) async throws -> Void
    ) async throws {
        try startStoppedBrokers(cluster)
        try await DataPlane.createTopic(cluster, topic, partitions: 3, replicationFactor: 3, configs: ["min.insync.replicas": "2"])
        let scratch = try DataPlane.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try await withClosing(try await DataPlane.zooKeeper(cluster)) { zooKeeper async throws in
            let acked = scratch + "/acked.txt", stopFile = scratch + "/stop"
            let producer = BackgroundCommand(
                ["/usr/bin/python3", DataPlane.script("kafka_client.py"), "produce", cluster.bootstrapServers, topic,
                 "--until-file", stopFile, "--acked", acked, "--interval-ms", "2"],
                timeout: .seconds(300))
            defer { FileManager.default.createFile(atPath: stopFile, contents: nil) }
            try await pollUntil("the producer gets 1000 records acknowledged, has \(DataPlane.lineCount(acked))", timeout: .seconds(60)) {
                DataPlane.lineCount(acked) >= 1_000
            }
            try await body(AcksAllProducerRun(zooKeeper: zooKeeper, producer: producer, scratch: scratch))
        }
    }

    struct AcksAllProducerRun {
        let zooKeeper: ZooKeeperClient
        let producer: BackgroundCommand
        let scratch: String
        var acked: String { scratch + "/acked.txt" }
        /// The producer stops (and flushes what it holds) once this file exists.
        var stopFile: String { scratch + "/stop" }

        /// Stops the producer, reads the topic back from the beginning and expects every acknowledged record
        /// in it (and no record the producer gave up on); returns what was seen, for the caller's own checks.
        func stopAndCheckNothingLost(
            _ cluster: RunningCluster, topic: String
        ) async throws -> (producer: CommandResult, summary: [String: Any], acknowledged: [RecordLine], consumed: [RecordLine]) {
            FileManager.default.createFile(atPath: stopFile, contents: nil)
            let producerResult = try await producer.result()
            let producerSummary = try DataPlane.summary(of: producerResult)
            #expect(producerSummary["failed"] as? Int == 0, "records the producer gave up on: \(producerSummary)")
            let consumerSummary = try DataPlane.python(
                "kafka_client.py", ["consume", cluster.bootstrapServers, topic, "--out", scratch + "/consumed.txt"])
            let acknowledged = try DataPlane.readRecords(acked)
            let consumed = try DataPlane.readRecords(scratch + "/consumed.txt")
            let missing = GeneratedRecords.missing(acknowledged: acknowledged, consumed: consumed)
            #expect(
                missing.isEmpty,
                "acknowledged \(acknowledged.count), consumed \(consumed.count), missing \(missing.count); first missing: \(missing.prefix(5)); consumer: \(consumerSummary)")
            return (producerResult, producerSummary, acknowledged, consumed)
        }
    }

    @Test func leaderKilledWhileProducingWithAcksAll_losesNoAcknowledgedRecord_andRejoinsTheISR() async throws {
        let cluster = try RunningCluster.current
        let topic = "acks-all-failover"
        try await withAcksAllProducer(cluster, topic: topic) { run async throws in
            let zooKeeper = run.zooKeeper, acked = run.acked

            let before = try #require(try await DataPlane.partitionState(zooKeeper, topic, 0))
            let victim = Int(before.leader)
            try cluster.cluster.kill(.broker(victim), signal: .kill)
            let ackedAtKill = DataPlane.lineCount(acked)

            // The controller notices once the victim's ZooKeeper session expires, moves leadership of
            // partition 0 to another ISR member and removes the victim from every ISR.
            var afterFailover: [Int32: LeaderAndISR] = [:]
            try await pollUntil("broker \(victim) still leads or is in an ISR: \(afterFailover)", timeout: .seconds(60)) {
                for partition in Int32(0)..<3 { afterFailover[partition] = try await DataPlane.partitionState(zooKeeper, topic, partition) }
                return afterFailover.count == 3 && afterFailover.values.allSatisfy {
                    $0.leader >= 0 && $0.leader != Int32(victim) && !$0.isr.contains(Int32(victim))
                }
            }
            #expect(afterFailover[0]?.leaderEpoch ?? 0 > before.leaderEpoch)

            // Producing goes on through the new leader (two replicas are still min.insync.replicas).
            try await pollUntil("acknowledgements stalled at \(DataPlane.lineCount(acked)) after the kill (\(ackedAtKill) at the kill)", timeout: .seconds(90)) { DataPlane.lineCount(acked) >= ackedAtKill + 2_000 }

            let (producerResult, producerSummary, acknowledged, consumed) = try await run.stopAndCheckNothingLost(cluster, topic: topic)
            #expect(producerResult.status == 0, "producer: \(producerResult.standardError.suffix(2000))")
            #expect(acknowledged.count == producerSummary["acknowledged"] as? Int)
            // Without idempotence a retried batch may be stored twice, never lost: consumed ⊇ acknowledged.
            #expect(consumed.count >= acknowledged.count)

            // The restarted broker catches up from the leaders and is added back to every ISR.
            try cluster.cluster.start(.broker(victim))
            var states: [Int32: LeaderAndISR] = [:]
            try await pollUntil("broker \(victim) is not back in every ISR: \(states)", timeout: .seconds(90)) {
                for partition in Int32(0)..<3 { states[partition] = try await DataPlane.partitionState(zooKeeper, topic, partition) }
                return states.values.allSatisfy { $0.isr.contains(Int32(victim)) } && states.count == 3
            }

            // Replicas copy the leader's batches byte for byte: once the victim caught up (and cut any
            // tail it had appended as leader but never got acknowledged), all three segment files agree.
            var sizes: [Int: [Int]] = [:]
            try await pollUntil("the replicas' segment files differ (bytes per broker, by partition): \(sizes)", timeout: .seconds(30)) {
                var allEqual = true
                for partition in 0..<3 {
                    let copies = try cluster.descriptor.brokers.map { broker in
                        FileManager.default.contents(atPath: try DataPlane.firstSegment(cluster, broker: broker.id, topic, partition)) ?? Data()
                    }
                    sizes[partition] = copies.map(\.count)
                    allEqual = allEqual && copies.dropFirst().allSatisfy { $0 == copies[0] }
                }
                return allEqual
            }
        }
    }

    /// SIGTERM: the leader hands its partitions over through controlled shutdown and closes its
    /// logs cleanly, so the restart skips recovery; nothing acknowledged meanwhile is lost.
    @Test func leaderStoppedWithSIGTERMWhileProducing_losesNoAcknowledgedRecord_andRestartsClean() async throws {
        let cluster = try RunningCluster.current
        let topic = "acks-all-controlled-shutdown"
        try await withAcksAllProducer(cluster, topic: topic) { run async throws in
            let zooKeeper = run.zooKeeper, acked = run.acked

            let victim = Int(try #require(try await DataPlane.partitionState(zooKeeper, topic, 0)).leader)
            let logOffset = (try? Data(contentsOf: URL(fileURLWithPath: try brokerLog(cluster, victim))).count) ?? 0
            try cluster.cluster.kill(.broker(victim), signal: .term)
            let ackedAtStop = DataPlane.lineCount(acked)
            try await pollUntil("acknowledgements stalled at \(DataPlane.lineCount(acked)) after the SIGTERM (\(ackedAtStop) at it)", timeout: .seconds(60)) { DataPlane.lineCount(acked) >= ackedAtStop + 2_000 }
            let shutdownLog = String(decoding: try Data(contentsOf: URL(fileURLWithPath: try brokerLog(cluster, victim))).dropFirst(logOffset), as: UTF8.self)
            #expect(shutdownLog.contains("Controlled shutdown succeeded"), "\(shutdownLog.suffix(2000))")

            let restartOffset = (try? Data(contentsOf: URL(fileURLWithPath: try brokerLog(cluster, victim))).count) ?? 0
            try cluster.cluster.start(.broker(victim))
            let startLog = String(decoding: try Data(contentsOf: URL(fileURLWithPath: try brokerLog(cluster, victim))).dropFirst(restartOffset), as: UTF8.self)
            #expect(startLog.contains("cleanShutdown=true"), "the restart after SIGTERM recovered the logs:\n\(startLog.suffix(2000))")
            var states: [Int32: LeaderAndISR] = [:]
            try await pollUntil("broker \(victim) is not back in every ISR: \(states)", timeout: .seconds(90)) {
                for partition in Int32(0)..<3 { states[partition] = try await DataPlane.partitionState(zooKeeper, topic, partition) }
                return states.count == 3 && states.values.allSatisfy { $0.isr.contains(Int32(victim)) }
            }

            _ = try await run.stopAndCheckNothingLost(cluster, topic: topic)
        }
    }

    @Test func segmentTornMidBatch_isCutToWholeBatchesOnRestart_andTheReplicaCatchesUp() async throws {
        let cluster = try RunningCluster.current
        try startStoppedBrokers(cluster)
        let replicated = "torn-rf3"
        let single = "torn-rf1"
        try await DataPlane.createTopic(cluster, replicated, partitions: 1, replicationFactor: 3)
        try await DataPlane.createTopic(cluster, single, partitions: 1, replicationFactor: 1)
        try await withClosing(try await DataPlane.zooKeeper(cluster)) { zooKeeper async throws in
            let victim = Int(try #require(try await DataPlane.partitionState(zooKeeper, single, 0)).leader)
            let scratch = try DataPlane.scratchDirectory()
            defer { try? FileManager.default.removeItem(atPath: scratch) }

            // Five producer runs of 200 records: at least five batches in each log.
            let perRun = 200
            for run in 0..<5 {
                let input = scratch + "/run-\(run).txt"
                try (0..<perRun).map { "\(GeneratedRecords.key(run * perRun + $0)):value-\(run * perRun + $0)\n" }.joined()
                    .write(toFile: input, atomically: true, encoding: .utf8)
                for topic in [replicated, single] {
                    let produce = try Command.run(
                        ["/usr/bin/kcat", "-P", "-b", cluster.bootstrapServers, "-t", topic, "-K:", "-H", "h=v", "-l", input, "-X", "acks=all"],
                        timeout: .seconds(60))
                    try #require(produce.status == 0, "kcat -P \(topic): \(produce.standardError)")
                }
            }
            let total = 5 * perRun
            // acks=all: every replica of torn-rf3, the victim included, has all records before the kill.
            try await pollUntil("broker \(victim) does not hold all of \(replicated)", timeout: .seconds(30)) {
                let batches = try SegmentFileBatches(path: try DataPlane.firstSegment(cluster, broker: victim, replicated, 0))
                return batches.batches.last.map { $0.lastOffset + 1 } == Int64(total)
            }

            try cluster.cluster.kill(.broker(victim), signal: .kill)
            var tornBatchBaseOffset: [String: Int64] = [:]
            var wholeBatchBytes: [String: Int] = [:]
            for topic in [replicated, single] {
                let path = try DataPlane.firstSegment(cluster, broker: victim, topic, 0)
                let before = try SegmentFileBatches(path: path)
                try #require(before.trailingBytes == 0 && before.batches.count >= 5, "\(topic) before tearing: \(before)")
                let last = try #require(before.batches.last)
                tornBatchBaseOffset[topic] = last.baseOffset
                wholeBatchBytes[topic] = last.position
                // A crash in the middle of writing the last batch: its final 7 bytes never reached the file.
                let handle = try #require(FileHandle(forWritingAtPath: path))
                try handle.truncate(atOffset: UInt64(last.position + last.size - 7))
                try handle.close()
            }

            let logOffset = (try? Data(contentsOf: URL(fileURLWithPath: try brokerLog(cluster, victim))).count) ?? 0
            try cluster.cluster.start(.broker(victim))
            let startLog = String(decoding: try Data(contentsOf: URL(fileURLWithPath: try brokerLog(cluster, victim))).dropFirst(logOffset), as: UTF8.self)
            #expect(startLog.contains("cleanShutdown=false"), "the restart does not log an unclean-shutdown recovery:\n\(startLog.suffix(3000))")

            // torn-rf1 has no other replica: the victim's log is all there is. It must end at the last
            // whole batch, and keep serving everything before the torn one.
            let singlePath = try DataPlane.firstSegment(cluster, broker: victim, single, 0)
            let recovered = try SegmentFileBatches(path: singlePath)
            #expect(recovered.trailingBytes == 0, "torn-rf1 still ends with \(recovered.trailingBytes) bytes of a partial batch")
            #expect(recovered.batches.last.map { $0.position + $0.size } == wholeBatchBytes[single], "\(recovered.batches.suffix(2))")

            var singleState: LeaderAndISR?
            try await pollUntil("torn-rf1 is not led by broker \(victim) again: \(String(describing: singleState))", timeout: .seconds(60)) {
                singleState = try await DataPlane.partitionState(zooKeeper, single, 0)
                return singleState?.leader == Int32(victim)
            }
            // The controller writes the leadership before the restarted broker has applied its LeaderAndIsr: wait
            // until the broker answers an offset query for the partition (ListOffsets goes to the leader).
            try await pollUntil("broker \(victim) serves torn-rf1 again", timeout: .seconds(60), every: .milliseconds(250)) {
                try Command.run(
                    ["/usr/bin/kcat", "-Q", "-b", cluster.bootstrapServers, "-t", "\(single):0:-1"], timeout: .seconds(30)
                ).status == 0
            }
            let keptCount = Int(try #require(tornBatchBaseOffset[single]))
            try consumeAndCheckPrefix(cluster, single, count: keptCount, scratch: scratch)

            // torn-rf3: the victim truncated its copy and fetches the rest back from the leader.
            var replicatedState: LeaderAndISR?
            try await pollUntil("broker \(victim) did not rejoin the ISR of torn-rf3: \(String(describing: replicatedState))", timeout: .seconds(90)) {
                replicatedState = try await DataPlane.partitionState(zooKeeper, replicated, 0)
                return replicatedState?.isr.contains(Int32(victim)) == true
            }
            try await pollUntil("broker \(victim)'s copy of torn-rf3 is not whole again", timeout: .seconds(30)) {
                let batches = try SegmentFileBatches(path: try DataPlane.firstSegment(cluster, broker: victim, replicated, 0))
                return batches.trailingBytes == 0 && batches.batches.last.map { $0.lastOffset + 1 } == Int64(total)
            }
            try consumeAndCheckPrefix(cluster, replicated, count: total, scratch: scratch)

            // New records of torn-rf1 continue right after the last whole batch.
            let more = scratch + "/more.txt"
            try "key-x:after-restart\n".write(toFile: more, atomically: true, encoding: .utf8)
            let produce = try Command.run(
                ["/usr/bin/kcat", "-P", "-b", cluster.bootstrapServers, "-t", single, "-K:", "-l", more, "-X", "acks=all"], timeout: .seconds(60))
            #expect(produce.status == 0, "\(produce.standardError)")
            let tail = try Command.run(
                ["/usr/bin/kcat", "-C", "-b", cluster.bootstrapServers, "-t", single, "-e", "-q", "-o", "-1", "-f", "%o %s\n"], timeout: .seconds(60))
            #expect(tail.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "\(keptCount) after-restart", "kcat: \(tail.standardOutput) \(tail.standardError)")
        }
    }

    private func brokerLog(_ cluster: RunningCluster, _ id: Int) throws -> String {
        try #require(cluster.descriptor.brokers.first { $0.id == id }).log
    }

    /// Consumes `topic` from the beginning with kcat and checks it holds exactly records `0..<count`.
    private func consumeAndCheckPrefix(_ cluster: RunningCluster, _ topic: String, count: Int, scratch: String) throws {
        let consume = try Command.run(
            ["/usr/bin/kcat", "-C", "-b", cluster.bootstrapServers, "-t", topic, "-e", "-o", "beginning", "-q", "-f", "%k %s %h %p %o\n"],
            timeout: .seconds(60))
        #expect(consume.status == 0, "kcat -C \(topic): \(consume.standardError)")
        let consumed = consume.standardOutput.split(separator: "\n").compactMap(RecordLine.init(kcatLine:))
        let problems = GeneratedRecords.problems(consumed: consumed, count: count) { _ in "h=v" }
        #expect(problems.isEmpty, "\(topic): \(problems.joined(separator: "\n"))")
    }

    @Test func retention_deletesOldSegments_andMovesTheLogStartOffset() async throws {
        let cluster = try RunningCluster.current
        try startStoppedBrokers(cluster)
        let bySize = "retention-bytes"
        let byTime = "retention-ms"
        // 1 KiB segments: each batch of at most 5 records of ~100 bytes fills most of one.
        try await DataPlane.createTopic(
            cluster, bySize, partitions: 1, replicationFactor: 3, configs: ["segment.bytes": "1024", "retention.bytes": "4096"])
        try await DataPlane.createTopic(
            cluster, byTime, partitions: 1, replicationFactor: 3, configs: ["segment.bytes": "1024", "retention.ms": "3000"])
        let scratch = try DataPlane.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let input = scratch + "/records.txt"
        let padding = String(repeating: "x", count: 100)
        try (0..<500).map { "key-\($0 % 10):value-\($0)-\(padding)\n" }.joined().write(toFile: input, atomically: true, encoding: .utf8)
        for topic in [bySize, byTime] {
            let produce = try Command.run(
                ["/usr/bin/kcat", "-P", "-b", cluster.bootstrapServers, "-t", topic, "-K:", "-l", input,
                 "-X", "acks=all", "-X", "batch.num.messages=5", "-X", "linger.ms=0"],
                timeout: .seconds(120))
            try #require(produce.status == 0, "kcat -P \(topic): \(produce.standardError)")
        }

        // 500 records made about 100 segments; retention.bytes=4096 leaves a handful, on every replica.
        var segmentCounts: [Int: Int] = [:]
        try await pollUntil("segments of \(bySize) per broker: \(segmentCounts)", timeout: .seconds(60)) {
            for broker in cluster.descriptor.brokers { segmentCounts[broker.id] = try DataPlane.segmentFiles(cluster, broker: broker.id, bySize, 0).count }
            return segmentCounts.values.allSatisfy { $0 >= 1 && $0 <= 8 }
        }
        for broker in cluster.descriptor.brokers {
            let segments = try DataPlane.segmentFiles(cluster, broker: broker.id, bySize, 0)
            #expect(!segments.contains("00000000000000000000.log"), "broker \(broker.id) kept the first segment: \(segments)")
        }

        for topic in [bySize, byTime] {
            var watermarks: [Int] = []
            try await pollUntil("\(topic): the log start offset did not move: [low, high] = \(watermarks)", timeout: .seconds(60)) {
                let summary = try DataPlane.python("kafka_client.py", ["watermarks", cluster.bootstrapServers, topic], timeout: .seconds(60))
                watermarks = summary["0"] as? [Int] ?? []
                return watermarks.count == 2 && watermarks[0] > 0
            }
            try #require(watermarks.count == 2)
            #expect(watermarks[1] == 500, "\(topic): high watermark \(watermarks[1])")
            // A consumer from the beginning starts at the new log start offset.
            let consume = try Command.run(
                ["/usr/bin/kcat", "-C", "-b", cluster.bootstrapServers, "-t", topic, "-e", "-o", "beginning", "-q", "-f", "%o\n"],
                timeout: .seconds(60))
            let offsets = consume.standardOutput.split(separator: "\n").compactMap { Int($0) }
            if watermarks[0] == 500 {
                // Kafka 2.8 also deletes an expired active segment (rolling a new, empty one).
                #expect(offsets.isEmpty, "\(topic): kcat read \(offsets.count) records of an emptied log")
                continue
            }
            #expect(offsets.first.map { $0 >= watermarks[0] } == true, "\(topic): kcat started at \(offsets.first ?? -1), low watermark \(watermarks[0])")
            #expect(offsets.last == 499, "\(topic): kcat ended at \(offsets.last ?? -1)")
            #expect(offsets == Array((offsets.first ?? 0)...499), "\(topic): offsets are not consecutive up to 499")
        }
    }
}
