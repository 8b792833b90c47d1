import ChildProcess
import Foundation
import KafkaClient
import KafkaProtocol
import LocalCluster

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `zkafka bench groups`: consumer-group figures on a local cluster (3 ZooKeeper servers, 3 brokers),
/// all from one run: `consumers` `zkafka console-consumer --group` processes share a 6-partition topic;
/// one is killed with SIGKILL (rebalance time until the survivors own every partition), one is added
/// (rebalance time until it shares them), the coordinator's broker is killed with SIGKILL (time until
/// another broker coordinates the group, Stable with its committed offsets loaded), and one client
/// commits offsets as fast as it can for `commitSeconds` (commits/s).
public struct GroupBenchmark: Sendable {
    public var consumers: Int
    public var partitions: Int
    public var sessionTimeoutMs: Int
    public var commitSeconds: Double
    public var directory: String
    public var keep: Bool

    let topic = "bench-groups"
    let group = "bench-group"

    public init(consumers: Int = 3, partitions: Int = 6, sessionTimeoutMs: Int = 6_000, commitSeconds: Double = 5, directory: String, keep: Bool) {
        self.consumers = consumers
        self.partitions = partitions
        self.sessionTimeoutMs = sessionTimeoutMs
        self.commitSeconds = commitSeconds
        self.directory = directory
        self.keep = keep
    }

    public func run(progress: @escaping @Sendable (String) -> Void) async throws -> GroupBenchmarkResult {
        var result = GroupBenchmarkResult(consumers: consumers, partitions: partitions, sessionTimeoutMs: sessionTimeoutMs)
        let clusterDirectory = "\(directory)/cluster"
        try FileManager.default.createDirectory(atPath: clusterDirectory, withIntermediateDirectories: true)
        progress("starting 3 ZooKeeper servers and 3 brokers in \(clusterDirectory)")
        let cluster = LocalCluster(directory: clusterDirectory)
        let descriptor = try await WallClock.offPool { try cluster.up(zookeepers: 3, brokers: 3) }
        var members: [ChildProcess] = []
        defer {
            if keep {
                progress("cluster left running: zkafka cluster down --dir \(clusterDirectory)")
            } else {
                try? cluster.down()
            }
        }
        let bootstrap = descriptor.brokers.map { "\($0.host):\($0.port)" }.joined(separator: ",")
        let probe = GroupProbe(
            brokers: descriptor.brokers.map { .init(id: Int32($0.id), host: $0.host, port: $0.port) }, topic: topic)
        do {
            let metadata = try ClusterMetadataClient(bootstrapServers: bootstrap, clientID: "zkafka-bench-admin", metadataWait: .seconds(30))
            defer { Task { await metadata.close() } }
            progress("creating \(topic) (\(partitions) partitions, RF 3) and producing 600 records")
            try await BenchmarkTopics.create(topic, partitions: Int32(partitions), replicationFactor: 3, configs: [:], metadata: metadata)
            try await produce(bootstrap: bootstrap, count: 600)

            progress("starting \(consumers) consumers of group \(group) (session.timeout.ms=\(sessionTimeoutMs))")
            for index in 0..<consumers { members.append(try startConsumer(bootstrap: bootstrap, index: index)) }
            guard await waitBalanced(probe, members: consumers, timeout: .seconds(120)) != nil else {
                throw BenchmarkFailure("the \(consumers) consumers never shared the \(partitions) partitions within 120 s")
            }
            _ = await GroupProbe.waitUntil(timeout: .seconds(30)) {
                guard let coordinator = await probe.coordinator(group), let offsets = await probe.committed(group, at: coordinator) else { return false }
                return offsets.values.reduce(0, +) >= 600
            }

            progress("kill -9 of one consumer; waiting until the survivors own every partition")
            let victim = members.removeFirst()
            await victim.stop(signal: SIGKILL)
            result.rebalanceAfterLossMs = await waitBalanced(probe, members: consumers - 1, timeout: .seconds(120)).map(Self.ms)

            progress("starting one more consumer; waiting until it shares the partitions")
            let joinStarted = ContinuousClock.now
            members.append(try startConsumer(bootstrap: bootstrap, index: consumers))
            if await waitBalanced(probe, members: consumers, timeout: .seconds(120)) != nil {
                result.rebalanceAfterJoinMs = Self.ms(ContinuousClock.now - joinStarted)
            }

            if let coordinator = await probe.coordinator(group) {
                let before = await probe.committed(group, at: coordinator) ?? [:]
                progress("kill -9 of broker \(coordinator.id), the coordinator; waiting for the group on another broker")
                try cluster.kill(.broker(Int(coordinator.id)), signal: .kill)
                result.coordinatorFailoverMs = await GroupProbe.waitUntil(timeout: .seconds(120)) {
                    guard let next = await probe.coordinator(group, excluding: [coordinator.id]), next.id != coordinator.id,
                        let snapshot = await probe.snapshot(group, at: next), snapshot.isBalanced(members: consumers, partitions: partitions),
                        let offsets = await probe.committed(group, at: next)
                    else { return false }
                    return before.allSatisfy { entry in (offsets[entry.key] ?? -1) >= entry.value }
                }.map(Self.ms)
                try? cluster.start(.broker(Int(coordinator.id)))
            }

            progress("offset commits from one client for \(commitSeconds) s")
            try await measureCommits(probe, into: &result)
        } catch {
            for member in members { await member.stop(signal: SIGTERM) }
            throw error
        }
        for member in members { await member.stop(signal: SIGTERM) }
        return result
    }

    static func ms(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    private func waitBalanced(_ probe: GroupProbe, members: Int, timeout: Duration) async -> Duration? {
        await GroupProbe.waitUntil(timeout: timeout) {
            guard let coordinator = await probe.coordinator(group), let snapshot = await probe.snapshot(group, at: coordinator) else { return false }
            return snapshot.isBalanced(members: members, partitions: partitions)
        }
    }

    private func startConsumer(bootstrap: String, index: Int) throws -> ChildProcess {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return try ChildProcess.spawn(ChildProcessOptions(
            [
                executable, "console-consumer", "--bootstrap-server", bootstrap, "--topic", topic, "--group", group, "--from-beginning",
                "--consumer-property", "session.timeout.ms=\(sessionTimeoutMs)",
                "--consumer-property", "heartbeat.interval.ms=\(max(100, sessionTimeoutMs / 6))",
                "--consumer-property", "auto.commit.interval.ms=500",
                "--consumer-property", "client.id=bench-member-\(index)",
            ],
            standardOutput: .file("\(directory)/consumer-\(index).log", append: true), standardError: .standardOutput,
            grouping: .launcherGroup))
    }

    private func produce(bootstrap: String, count: Int) async throws {
        var config = ProducerConfig()
        config.acks = -1
        config.clientID = "zkafka-bench-groups-producer"
        let producer = try KafkaProducer(bootstrapServers: bootstrap, config: config)
        for index in 0..<count {
            try await producer.send(ProducerRecord(topic: topic, partition: Int32(index % partitions), value: Array("record-\(index)".utf8)))
        }
        await producer.flush()
        await producer.close()
    }

    /// OffsetCommit v2 (generation -1, no member: a group without members) one after another on one
    /// connection to the coordinator of a group of its own, for `commitSeconds`.
    private func measureCommits(_ probe: GroupProbe, into result: inout GroupBenchmarkResult) async throws {
        let commitGroup = "bench-commits"
        var coordinator: GroupProbe.Address?
        _ = await GroupProbe.waitUntil(timeout: .seconds(60)) {
            coordinator = await probe.coordinator(commitGroup)
            return coordinator != nil
        }
        guard let coordinator else { throw BenchmarkFailure("no coordinator for \(commitGroup) within 60 s") }
        let connection = try await KafkaConnection.connect(host: coordinator.host, port: coordinator.port, clientID: "zkafka-bench-commits")
        defer { Task { await connection.close() } }
        let started = ContinuousClock.now
        let limit = Duration.milliseconds(Int64(commitSeconds * 1000))
        var commits = 0
        while ContinuousClock.now - started < limit {
            let request = OffsetCommitRequest(
                groupId: commitGroup, generationId: -1, memberId: "",
                topics: [.init(name: topic, partitions: [.init(partitionIndex: Int32(commits % partitions), committedOffset: Int64(commits))])])
            let response = try await connection.send(request, version: 2, timeout: .seconds(30))
            if let error = response.topics.first?.partitions.first?.errorCode, error != 0 {
                if KafkaErrorCode(rawValue: error) == .coordinatorLoadInProgress { continue }
                throw BenchmarkFailure("OffsetCommit failed: \(KafkaErrorCode(rawValue: error).kafkaName)")
            }
            commits += 1
        }
        result.commits = commits
        result.commitSeconds = Self.ms(ContinuousClock.now - started) / 1000
    }
}
