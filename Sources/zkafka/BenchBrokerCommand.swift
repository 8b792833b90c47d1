import ArgumentParser
import Foundation
import KafkaBroker
import KafkaConfig
import KafkaLog
import KafkaMetadata
import KafkaModel
import KafkaServer
import Logging

/// `zkafka bench broker`: one broker's side of a LeaderAndIsr and an UpdateMetadata covering N new
/// partitions, in process and without ZooKeeper: a `ReplicaManager` over a `LogManager` in a temporary
/// directory applies them as `LeaderAndIsrHandler` does, and the figures are time per partition and the
/// process's resident memory after each step. What `zkafka bench controller` measures end to end, cut
/// down to the broker so it can be profiled (`perf record -g zkafka bench broker ...`).
struct BenchBrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "One broker applying a LeaderAndIsr and an UpdateMetadata of N new partitions: µs per partition, RSS.",
        discussion: """
            The broker is broker 1 of 3 with replication factor 3: it leads a third of the partitions \
            and follows the others. Followers' fetchers point at a closed loopback port, as if the \
            other brokers were not up yet. Broker log lines go to broker.log in the run's directory.
            """
    )

    @Option(help: "Partitions in the LeaderAndIsr request.")
    var partitions = 10_000

    @Option(help: "Partitions per topic.")
    var topicsSize = 1_000

    @Option(help: "Directory for the logs (default: a new temporary directory, removed afterwards).")
    var dir: String?

    @Flag(help: "Keep the directory afterwards.")
    var keep = false

    func validate() throws {
        guard partitions > 0 else { throw ValidationError("--partitions must be positive, got \(partitions)") }
        guard topicsSize > 0 else { throw ValidationError("--topics-size must be positive, got \(topicsSize)") }
    }

    func run() async throws {
        HeapTuning.apply()
        let directory = dir ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("zkafka-bench-broker-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { if !keep && dir == nil { try? FileManager.default.removeItem(atPath: directory) } }
        let logPath = directory + "/broker.log"
        let descriptor = open(logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw ValidationError("cannot open \(logPath): errno \(errno)") }
        let output = BufferedLogOutput(descriptor: descriptor)
        defer { output.flush() }
        LoggingSystem.bootstrap { label in BufferedLogHandler(label: label, output: output) }

        let config = try BrokerConfig(values: [
            "broker.id": "1", "zookeeper.connect": "127.0.0.1:1", "log.dirs": directory + "/logs",
        ])
        let baseline = ProcessMemory.current()
        print("zkafka bench broker: \(partitions) partitions, \(topicsSize) per topic, RF 3, broker 1 of 3; logs in \(directory)")
        print("before: RSS \(baseline.rssMB) MB")

        var clock = ContinuousClock.now
        let logManager = try LogManager(
            logDirs: config.logDirs, config: TopicLogConfig.brokerDefaults(config), logger: Logger(label: "kafka.log.LogManager"),
            nowMs: { ReplicaManager.nowMs() })
        let replicaManager = ReplicaManager(
            brokerID: 1, config: config, logManager: logManager, logger: Logger(label: "kafka.server.ReplicaManager"))

        let states = (0..<partitions).map { index in
            let replicas: [BrokerID] = (0..<3).map { Int32((index + $0) % 3) + 1 }
            return ReplicaManager.BecomeLeaderOrFollower(
                topicPartition: TopicPartition(topic: String(format: "bench-%04d", index / topicsSize), partition: Int32(index % topicsSize)),
                // Arrays of their own, as each partition state decoded from a request has.
                leadership: LeaderISRAndControllerEpoch(leader: replicas[0], leaderEpoch: 0, isr: replicas.map { $0 }, zkVersion: 0, controllerEpoch: 1),
                replicas: replicas)
        }
        // A port nothing listens on: the followers' fetchers start and back off, as before the leaders are up.
        let endpoints: [BrokerID: ReplicaFetcherManager.Endpoint] = [2: .init(host: "127.0.0.1", port: 1), 3: .init(host: "127.0.0.1", port: 1)]
        clock = ContinuousClock.now
        let refused = await replicaManager.becomeLeaderOrFollower(states, leaderEndpoints: endpoints, topicConfig: { _ in [:] })
        let leaderAndIsr = ContinuousClock.now - clock
        let afterLeaderAndIsr = ProcessMemory.current()
        print(Self.line("LeaderAndIsr", leaderAndIsr, partitions, afterLeaderAndIsr) + (refused.isEmpty ? "" : ", \(refused.count) refused"))

        let cache = MetadataCache()
        let brokers = (1...3).map { id in
            BrokerInfo(id: id, endpoints: [.init(listenerName: "PLAINTEXT", host: "127.0.0.1", port: 9091 + id, securityProtocol: "PLAINTEXT")], epoch: 1)
        }
        let update = MetadataUpdate(
            controllerID: 1, controllerEpoch: 1, liveBrokers: brokers,
            partitions: states.map {
                UpdateMetadataPartitionState(
                    topicPartition: $0.topicPartition,
                    leadership: LeaderISRAndControllerEpoch(
                        leader: $0.leadership.leaderAndISR.leader, leaderEpoch: $0.leadership.leaderAndISR.leaderEpoch,
                        isr: $0.leadership.leaderAndISR.isr.map { $0 }, zkVersion: $0.leadership.leaderAndISR.zkVersion, controllerEpoch: 1),
                    replicas: $0.replicas.map { $0 })
            })
        clock = ContinuousClock.now
        cache.apply(update)
        let updateMetadata = ContinuousClock.now - clock
        print(Self.line("UpdateMetadata", updateMetadata, partitions, ProcessMemory.current()))

        clock = ContinuousClock.now
        let again = await replicaManager.becomeLeaderOrFollower(
            states.map { var next = $0; next.leaderEpoch += 1; return next }, leaderEndpoints: endpoints, topicConfig: { _ in [:] })
        print(Self.line("LeaderAndIsr again (epoch + 1)", ContinuousClock.now - clock, partitions, ProcessMemory.current())
            + (again.isEmpty ? "" : ", \(again.count) refused"))

        clock = ContinuousClock.now
        try logManager.checkpoint()
        print(Self.line("checkpoint files", ContinuousClock.now - clock, partitions, ProcessMemory.current()))
        HeapTuning.trim()
        let trimmed = ProcessMemory.current()
        print("after malloc_trim: RSS \(trimmed.rssMB) MB, peak \(trimmed.peakMB) MB (\(String(format: "%.1f", Double((trimmed.rssKB - baseline.rssKB) * 1024) / Double(partitions))) bytes/partition)")
        let request = BenchBrokerDecodeStep.encodedRequest(states)
        let decoding = try BenchBrokerDecodeStep.measure(request)
        print("decoding the LeaderAndIsr v5 (\(request.readableBytes / 1024) KB, \(decoding.count) partitions): peak RSS growth "
            + "\(decoding.whole / 1024) MB (\(decoding.whole) KB) decoded whole and then converted, \(decoding.converting / 1024) MB (\(decoding.converting) KB) converted while decoding")
        clock = ContinuousClock.now
        await replicaManager.shutdown()
        print(Self.line("shutdown", ContinuousClock.now - clock, partitions, ProcessMemory.current()))
        withExtendedLifetime(cache) {}
    }

    static func line(_ what: String, _ duration: Duration, _ count: Int, _ memory: ProcessMemory) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(
            format: "%@: %.2f s, %.1f µs/partition; RSS %d MB, peak %d MB", what, seconds, seconds * 1e6 / Double(count),
            memory.rssMB, memory.peakMB)
    }
}

/// This process's resident set and its peak, from `/proc/self/status` (VmRSS, VmHWM).
struct ProcessMemory {
    var rssKB: Int
    var peakKB: Int
    var rssMB: Int { rssKB / 1024 }
    var peakMB: Int { peakKB / 1024 }

    static func current() -> ProcessMemory {
        let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Int {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
            return Int(line.split(separator: " ").dropFirst().first { Int($0) != nil } ?? "") ?? 0
        }
        return ProcessMemory(rssKB: field("VmRSS"), peakKB: field("VmHWM"))
    }
}
