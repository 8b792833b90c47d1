import Foundation
import KafkaClient
import LocalCluster

/// `zkafka bench produce`: producer, consumer and end-to-end figures on a local cluster
/// (3 ZooKeeper servers, 3 brokers), for RF 1 with acks=1 and RF 3 (min.insync.replicas=2) with
/// acks=all, from kcat (librdkafka) and from this project's `KafkaProducer`/`KafkaConsumer`,
/// beside the machine's sequential-write and loopback-TCP limits measured in the same run.
///
/// Each producer run writes a fresh topic, so the records it delivered can be checked against
/// the topic's log-end offsets and the consumers read exactly that many.
public struct ProduceBenchmark: Sendable {
    public var records: Int
    public var recordSize: Int
    public var partitions: Int
    public var latencyRecords: Int
    public var directory: String
    public var keep: Bool
    /// Bytes written for each filesystem measurement, and pushed through loopback.
    public var diskBytes: Int
    public var loopbackBytes: Int
    /// Run the cluster in containers (`LocalCluster.upContainers`) instead of processes.
    public var containers = false

    public static let targets: [String: Double] = [
        "RF1 acks=1": 800_000, "RF3 acks=all": 400_000, "consume": 900_000,
    ]
    public static let latencyTargetP99Ms = 3.0

    public init(
        records: Int, recordSize: Int, partitions: Int = 6, latencyRecords: Int = 2_000, directory: String, keep: Bool,
        diskBytes: Int = 512 << 20, loopbackBytes: Int = 1 << 30
    ) {
        self.records = records
        self.recordSize = recordSize
        self.partitions = partitions
        self.latencyRecords = latencyRecords
        self.directory = directory
        self.keep = keep
        self.diskBytes = diskBytes
        self.loopbackBytes = loopbackBytes
    }

    public func run(progress: @escaping @Sendable (String) -> Void) async throws -> ProduceBenchmarkResult {
        var result = ProduceBenchmarkResult(records: records, recordSize: recordSize, partitions: partitions)
        let clusterDirectory = "\(directory)/cluster"
        try FileManager.default.createDirectory(atPath: clusterDirectory, withIntermediateDirectories: true)

        progress("machine limits: sequential writes of \(diskBytes >> 20) MiB in \(clusterDirectory), loopback TCP \(loopbackBytes >> 20) MiB")
        let (diskBytes, loopbackBytes) = (self.diskBytes, self.loopbackBytes)
        result.diskWriteBytesPerSecond = try? await WallClock.offPool {
            try MachineLimits.sequentialWriteBandwidth(directory: clusterDirectory, bytes: diskBytes, fsync: false)
        }
        result.diskWriteFsyncBytesPerSecond = try? await WallClock.offPool {
            try MachineLimits.sequentialWriteBandwidth(directory: clusterDirectory, bytes: diskBytes, fsync: true)
        }
        result.loopbackBytesPerSecond = try? await WallClock.offPool { try MachineLimits.loopbackTCPBandwidth(bytes: loopbackBytes) }

        progress("starting 3 ZooKeeper servers and 3 brokers\(containers ? " in containers" : "") in \(clusterDirectory)")
        let cluster = LocalCluster(directory: clusterDirectory)
        let descriptor = try await WallClock.offPool { [containers] in
            containers ? try cluster.upContainers(zookeepers: 3, brokers: 3) : try cluster.up(zookeepers: 3, brokers: 3)
        }
        defer {
            if keep {
                progress("cluster left running: zkafka cluster down --dir \(clusterDirectory)")
            } else {
                try? cluster.down()
            }
        }
        let bootstrap = descriptor.brokers.map { "\($0.host):\($0.port)" }.joined(separator: ",")
        let metadata = try ClusterMetadataClient(bootstrapServers: bootstrap, clientID: "zkafka-bench-admin", metadataWait: .seconds(30))
        defer { Task { await metadata.close() } }

        let file = "\(directory)/records-\(records)x\(recordSize).txt"
        _ = FileManager.default.createFile(atPath: file, contents: nil)
        try ThroughputClients.writeRecordFile(file, records: records, recordSize: recordSize)
        let clients = ThroughputClients(bootstrap: bootstrap, records: records, recordSize: recordSize)
        let setups: [(name: String, replicationFactor: Int16, acks: Int16, kcatAcks: String)] = [
            ("RF1 acks=1", 1, 1, "1"), ("RF3 acks=all", 3, -1, "all"),
        ]
        var consumeTopic: String?
        for setup in setups {
            let configs = setup.replicationFactor == 3 ? ["min.insync.replicas": "2"] : [:]
            for client in ["kcat", "own"] {
                let topic = "bench-rf\(setup.replicationFactor)-\(client)"
                progress("\(setup.name): creating \(topic) (\(partitions) partitions) and producing \(records) records with \(client == "kcat" ? "kcat" : "KafkaProducer")")
                try await BenchmarkTopics.create(
                    topic, partitions: Int32(partitions), replicationFactor: setup.replicationFactor, configs: configs, metadata: metadata)
                var row = ProduceBenchmarkResult.Throughput(
                    direction: .produce, setup: setup.name, copies: Int(setup.replicationFactor),
                    client: client == "kcat" ? "kcat (librdkafka)" : "zkafka KafkaProducer", records: records, seconds: .nan,
                    bytes: records * recordSize, targetRecordsPerSecond: Self.targets[setup.name])
                do {
                    if client == "kcat" {
                        row.seconds = try await clients.kcatProduce(topic: topic, acks: setup.kcatAcks, file: file)
                    } else {
                        let run = try await clients.ownProduce(topic: topic, acks: setup.acks)
                        row.seconds = run.seconds
                        if run.failed > 0 { row.problem = "\(run.failed) records failed: \(run.firstError ?? "")" }
                    }
                    let stored = try await clients.endOffsetTotal(topic: topic)
                    if stored != records {
                        row.problem = (row.problem.map { $0 + "; " } ?? "") + "topic holds \(stored) of \(records) records"
                    } else if setup.replicationFactor == 1 && client == "own" {
                        consumeTopic = topic
                    }
                } catch {
                    row.problem = "\(error)"
                }
                progress("  \(row.problem ?? String(format: "%.0f records/s", row.recordsPerSecond))")
                result.throughput.append(row)
            }
        }
        if consumeTopic == nil, result.throughput.contains(where: { $0.setup == "RF1 acks=1" && $0.client.hasPrefix("kcat") && $0.problem == nil }) {
            consumeTopic = "bench-rf1-kcat"
        }
        if let topic = consumeTopic {
            for client in ["kcat", "own"] {
                progress("consuming \(records) records of \(topic) with \(client == "kcat" ? "kcat" : "KafkaConsumer")")
                var row = ProduceBenchmarkResult.Throughput(
                    direction: .consume, setup: "RF1", copies: 1,
                    client: client == "kcat" ? "kcat (librdkafka)" : "zkafka KafkaConsumer", records: records, seconds: .nan,
                    bytes: records * recordSize, targetRecordsPerSecond: Self.targets["consume"])
                do {
                    if client == "kcat" {
                        row.seconds = try await clients.kcatConsume(topic: topic)
                    } else {
                        let run = try await clients.ownConsume(topic: topic, expected: records)
                        row.seconds = run.seconds
                        if run.received != records { row.problem = "received \(run.received) of \(records) records" }
                    }
                } catch {
                    row.problem = "\(error)"
                }
                progress("  \(row.problem ?? String(format: "%.0f records/s", row.recordsPerSecond))")
                result.throughput.append(row)
            }
        } else {
            result.notes.append("Consumers not measured: no RF1 topic was produced completely.")
        }

        let latency = EndToEndLatency(bootstrap: bootstrap, records: latencyRecords, recordSize: recordSize)
        for setup in setups {
            let topic = "bench-latency-rf\(setup.replicationFactor)"
            progress("\(setup.name): end-to-end latency, \(latencyRecords) records one per ms on \(topic)")
            do {
                try await BenchmarkTopics.create(
                    topic, partitions: Int32(partitions), replicationFactor: setup.replicationFactor,
                    configs: setup.replicationFactor == 3 ? ["min.insync.replicas": "2"] : [:], metadata: metadata)
                result.latency.append(try await latency.measure(topic: topic, acks: setup.acks, setup: setup.name))
            } catch {
                result.latency.append(
                    .init(setup: setup.name, samples: 0, sent: latencyRecords, p50Ms: .nan, p99Ms: .nan, p999Ms: .nan, maxMs: .nan, problem: "\(error)"))
            }
        }
        try? FileManager.default.removeItem(atPath: file)
        return result
    }
}
