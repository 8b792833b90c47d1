import Foundation
import KafkaModel
import KafkaZooKeeperData
import LocalCluster
import ZooKeeper

/// The steps of one `ControllerBenchmark` row on a running cluster: create topics, kill a broker,
/// shut one down cleanly, kill the controller. Wall-clock milliseconds throughout, the unit of the
/// controller trace it reads.
struct ControllerBenchmarkRun: Sendable {
    let partitions: Int
    let partitionsPerTopic: Int
    let cluster: LocalCluster
    let kafka: KafkaZooKeeperClient
    let progress: @Sendable (String) -> Void
    let probe = BrokerMetadataProbe()

    var prefix: String { ControllerBenchmark.topicPrefix }
    /// Generous bound for any single wait: ZooKeeper on 2 shared cores manages a few thousand writes/s.
    var timeout: Duration { .seconds(90 + partitions / 200) }

    func measure(into result: inout ControllerBenchmarkResult) async throws {
        try await createTopics(into: &result)
        try await killBroker(into: &result)
        try await controlledShutdown(into: &result)
        try await killController(into: &result)
    }

    // MARK: - Topics

    /// Rack-unaware round robin: partition g (over all topics) has replicas g, g+1, g+2 (mod 3),
    /// so each broker is preferred leader of a third.
    var assignments: [(topic: String, partitions: [Int32: ReplicaAssignment])] {
        var result: [(String, [Int32: ReplicaAssignment])] = []
        var global = 0
        var topicIndex = 0
        while global < partitions {
            let count = min(partitionsPerTopic, partitions - global)
            var topicPartitions: [Int32: ReplicaAssignment] = [:]
            for partition in 0..<count {
                let replicas = (0..<ControllerBenchmark.replicationFactor).map {
                    BrokerID((global + partition + $0) % ControllerBenchmark.brokerCount + 1)
                }
                topicPartitions[Int32(partition)] = ReplicaAssignment(replicas: replicas)
            }
            result.append((String(format: "\(prefix)%05d", topicIndex), topicPartitions))
            global += count
            topicIndex += 1
        }
        return result
    }

    func createTopics(into result: inout ControllerBenchmarkResult) async throws {
        let topics = assignments
        progress("creating \(topics.count) topics with \(partitions) partitions in total (RF 3)")
        let start = WallClock.nowMs()
        if try await kafka.zooKeeper.exists(ZNodePaths.topics) == nil { try await kafka.zooKeeper.createRecursive(ZNodePaths.topics) }
        let zooKeeper = kafka.zooKeeper
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, topic) in topics.enumerated() {
                if index >= 50 { try await group.next() }
                let znode = TopicZNode(topic: topic.topic, topicID: nil, partitions: topic.partitions)
                group.addTask { _ = try await zooKeeper.create(ZNodePaths.topic(znode.topic), data: znode.encode()) }
            }
            try await group.waitForAll()
        }
        let expected = partitions
        let prefix = prefix
        let done = try await probe.waitUntil(try brokers(), timeout: timeout, what: "a leader for all \(expected) partitions") {
            let known = $0.benchPartitions(prefix: prefix)
            return known.count == expected && known.allSatisfy { $0.leader >= 0 }
        }
        result.creationSeconds = Double(done - start) / 1000
        progress(String(format: "created in %.1f s", result.creationSeconds!))
        try samplePeaks(into: &result)
        // Untimed: followers start fetching only once their logs exist, so with many partitions leaders
        // shrink ISRs to themselves first and expand them as followers catch up. Killing a leader before
        // that ends leaves partitions with no live ISR member (offline, as in Kafka): wait for full ISRs.
        progress("waiting for every partition's replicas to join its ISR")
        _ = try await probe.waitUntil(try brokers(), timeout: timeout, what: "a full ISR for all \(expected) partitions") {
            let known = $0.benchPartitions(prefix: prefix)
            return known.count == expected && known.allSatisfy { $0.isrCount == ControllerBenchmark.replicationFactor }
        }
    }

    // MARK: - Broker death

    func killBroker(into result: inout ControllerBenchmarkResult) async throws {
        let controller = try await controllerID()
        try await waitUntilQuiet(controller)
        let (victim, led) = try await busiestBroker(excluding: controller)
        result.deadBrokerLed = led.count
        try samplePeaks(into: &result)
        progress("kill -9 broker \(victim) (leads \(led.count) partitions; controller is \(controller))")
        let trace = try traceTail(of: controller)
        let killedAt = WallClock.nowMs()
        try await WallClock.offPool { [cluster] in try cluster.kill(.broker(Int(victim)), signal: .kill) }
        let detectedAt = try await waitUntilZNode(ZNodePaths.broker(victim), exists: false)
        result.brokerDetectionSeconds = Double(detectedAt - killedAt) / 1000
        if let writtenAt = await trace.waitForOnline(led, timeout: timeout) {
            result.releadZooKeeperSeconds = Double(max(writtenAt, detectedAt) - detectedAt) / 1000
        } else {
            result.notes.append("N=\(partitions): the controller trace does not show all \(led.count) re-elections")
        }
        let expected = partitions
        let prefix = prefix
        let cachesAt = try await probe.waitUntil(
            try brokers().filter { $0.id != victim }, timeout: timeout, what: "no partition led by broker \(victim)"
        ) {
            let known = $0.benchPartitions(prefix: prefix)
            return known.count == expected && !known.contains { $0.leader == victim || $0.leader < 0 }
        }
        result.releadCachesSeconds = Double(cachesAt - detectedAt) / 1000
        progress(String(
            format: "broker %d: detected after %.1f s, re-led in ZooKeeper %@ s and in caches %.2f s later", victim,
            result.brokerDetectionSeconds!, result.releadZooKeeperSeconds.map { String(format: "%.2f", $0) } ?? "?",
            result.releadCachesSeconds!))
        try await restart(victim)
    }

    // MARK: - Controlled shutdown

    func controlledShutdown(into result: inout ControllerBenchmarkResult) async throws {
        let controller = try await controllerID()
        try await waitUntilQuiet(controller)
        let (victim, led) = try await busiestBroker(excluding: controller)
        result.shutdownBrokerLed = led.count
        try samplePeaks(into: &result)
        progress("SIGTERM broker \(victim) (controlled shutdown; leads \(led.count) partitions)")
        let cluster = cluster
        let trace = try traceTail(of: controller)
        let termAt = WallClock.nowMs()
        async let exitedAt: Int64 = WallClock.offPool {
            try cluster.kill(.broker(Int(victim)), signal: .term)
            return WallClock.nowMs()
        }
        if let writtenAt = await trace.waitForOnline(led, timeout: timeout) {
            result.controlledShutdownZooKeeperSeconds = Double(writtenAt - termAt) / 1000
        }
        let expected = partitions
        let prefix = prefix
        let movedAt = try await probe.waitUntil(
            try brokers().filter { $0.id != victim }, timeout: timeout, what: "no partition led by broker \(victim)"
        ) {
            let known = $0.benchPartitions(prefix: prefix)
            return known.count == expected && !known.contains { $0.leader == victim || $0.leader < 0 }
        }
        result.controlledShutdownSeconds = Double(movedAt - termAt) / 1000
        result.shutdownExitSeconds = Double(try await exitedAt - termAt) / 1000
        progress(String(
            format: "broker %d: leaders moved in %.2f s, process gone after %.2f s", victim,
            result.controlledShutdownSeconds!, result.shutdownExitSeconds!))
        try await restart(victim)
    }

    // MARK: - Controller failover

    func killController(into result: inout ControllerBenchmarkResult) async throws {
        let controller = try await controllerID()
        try await waitUntilQuiet(controller)
        result.controllers.append(controller)
        let (_, ledByController) = try await busiestBroker(excluding: -1, only: controller)
        try samplePeaks(into: &result)
        var traces: [BrokerID: ControllerTraceTail] = [:]
        for broker in try brokers() where broker.id != controller { traces[broker.id] = try traceTail(of: broker.id) }
        let logs = try cluster.descriptor().brokers.reduce(into: [Int32: (path: String, offset: Int)]()) {
            $0[Int32($1.id)] = ($1.log, Self.fileSize($1.log))
        }
        progress("kill -9 the controller, broker \(controller)")
        let killedAt = WallClock.nowMs()
        try await WallClock.offPool { [cluster] in try cluster.kill(.broker(Int(controller)), signal: .kill) }
        let (detectedAt, electedAt, newController) = try await waitForNewController(replacing: controller)
        result.controllers.append(newController)
        result.controllerDetectionSeconds = Double(detectedAt - killedAt) / 1000
        result.newControllerSeconds = Double(electedAt - detectedAt) / 1000
        if let trace = traces[newController], await trace.waitForOnline(ledByController, timeout: timeout) == nil {
            result.notes.append("N=\(partitions): the new controller's trace does not show all \(ledByController.count) re-elections")
        }
        let live = try brokers().filter { $0.id != controller }
        let liveIDs = Set(live.map(\.id))
        let expected = partitions
        let prefix = prefix
        let cachesAt = try await probe.waitUntil(
            live, timeout: timeout, what: "controller \(newController) and a live leader for every partition"
        ) { answer in
            let known = answer.benchPartitions(prefix: prefix)
            return answer.controllerId == newController && known.count == expected
                && known.allSatisfy { liveIDs.contains($0.leader) }
        }
        result.failoverMetadataSeconds = Double(cachesAt - detectedAt) / 1000
        result.failoverFromKillSeconds = Double(cachesAt - killedAt) / 1000
        if let log = logs[newController] {
            result.contextLoadSeconds = Self.contextLoadMs(log: log.path, from: log.offset).map { Double($0) / 1000 }
            result.stateMachinesSeconds = Self.contextLoadMs(
                log: log.path, from: log.offset, marker: "Started the state machines and queued their requests in "
            ).map { Double($0) / 1000 }
            result.requestsAnsweredSeconds = Self.markerMs(
                log: log.path, from: log.offset, pattern: /answered (LeaderAndIsr|UpdateMetadata) for \d+ partitions (\d+) ms after it was queued/
            ).max().map { Double($0) / 1000 }
        }
        try samplePeaks(into: &result)
        progress(String(
            format: "controller %d → %d: detected after %.1f s, elected %.2f s later, caches %.2f s after detection",
            controller, newController, result.controllerDetectionSeconds!, result.newControllerSeconds!,
            result.failoverMetadataSeconds!))
    }

    // MARK: - Restart and ISR restoration

    /// Starts `broker` again, waits for every cache to know every partition, then for its replicas
    /// to catch up and rejoin the ISRs (leaders expand them and notify the controller).
    func restart(_ broker: BrokerID) async throws {
        progress("restarting broker \(broker)")
        try await WallClock.offPool { [cluster] in try cluster.start(.broker(Int(broker))) }
        let expected = partitions
        let prefix = prefix
        _ = try await probe.waitUntil(try brokers(), timeout: timeout, what: "all \(expected) partitions with leaders") {
            let known = $0.benchPartitions(prefix: prefix)
            return known.count == expected && known.allSatisfy { $0.leader >= 0 }
        }
        progress("waiting for broker \(broker)'s replicas to rejoin the ISRs")
        _ = try await probe.waitUntil(try brokers(), timeout: timeout, what: "a full ISR for all \(expected) partitions") {
            let known = $0.benchPartitions(prefix: prefix)
            return known.count == expected && known.allSatisfy { $0.isrCount == ControllerBenchmark.replicationFactor }
        }
    }

    // MARK: - Observations

    func brokers() throws -> [BrokerMetadataProbe.Broker] {
        try cluster.descriptor().brokers.filter { $0.pid != nil }.map { .init(id: Int32($0.id), host: $0.host, port: $0.port) }
    }

    func controllerID() async throws -> BrokerID {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let id = try await kafka.getControllerID() { return id }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchmarkError("no controller within \(timeout)")
    }

    /// The non-controller broker leading the most benchmark partitions, per the controller's cache.
    func busiestBroker(excluding controller: BrokerID, only: BrokerID? = nil) async throws -> (BrokerID, Set<TopicPartition>) {
        let asked = only ?? controller
        guard let broker = try brokers().first(where: { $0.id == asked }) else {
            throw BenchmarkError("broker \(asked) is not a running broker of the cluster")
        }
        var led: [BrokerID: Set<TopicPartition>] = [:]
        for partition in try await probe.metadata(broker).benchPartitions(prefix: prefix)
        where partition.leader != controller && (only == nil || partition.leader == only) {
            led[partition.leader, default: []].insert(TopicPartition(topic: partition.topic, partition: partition.partition))
        }
        guard let busiest = led.max(by: { ($0.value.count, -$0.key) < ($1.value.count, -$1.key) }) else {
            throw BenchmarkError("no broker other than the controller leads any partition")
        }
        return (busiest.key, busiest.value)
    }

    /// Polls `/controller` every 10 ms until a broker other than `old` holds it. Detection is when
    /// it was first seen missing, or the new znode's creation time (ZooKeeper's clock, the same
    /// machine's) if the new controller won between two polls.
    func waitForNewController(replacing old: BrokerID) async throws -> (detectedAt: Int64, electedAt: Int64, id: BrokerID) {
        let deadline = ContinuousClock.now + timeout
        var missingSince: Int64?
        while ContinuousClock.now < deadline {
            if let stat = try await kafka.zooKeeper.exists(ZNodePaths.controller) {
                if let id = try? await kafka.getControllerID(), id != old {
                    return (min(missingSince ?? stat.ctime, stat.ctime), stat.ctime, id)
                }
            } else if missingSince == nil {
                missingSince = WallClock.nowMs()
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw BenchmarkError("no controller other than broker \(old) within \(timeout)")
    }

    /// Polls `path` every 10 ms until it (does not) exist; returns when that was first seen.
    func waitUntilZNode(_ path: String, exists wanted: Bool) async throws -> Int64 {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try await kafka.zooKeeper.exists(path) != nil) == wanted { return WallClock.nowMs() }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw BenchmarkError("\(path) still \(wanted ? "missing" : "present") after \(timeout)")
    }

    /// Waits (up to `timeout`) until `broker`'s controller trace has not grown for 2 s: the controller
    /// has finished what earlier steps gave it (after creating topics it still moves 3N replicas
    /// online after the caches already show every leader), so each step measures an idle controller.
    func waitUntilQuiet(_ broker: BrokerID) async throws {
        guard let descriptor = try cluster.descriptor().brokers.first(where: { Int32($0.id) == broker }) else { return }
        let path = descriptor.logDir + "/controller-trace.jsonl"
        let deadline = ContinuousClock.now + timeout
        var size = Self.fileSize(path)
        var quietSince = ContinuousClock.now
        while ContinuousClock.now < deadline && ContinuousClock.now - quietSince < .seconds(2) {
            try await Task.sleep(for: .milliseconds(200))
            let now = Self.fileSize(path)
            if now != size { size = now; quietSince = ContinuousClock.now }
        }
    }

    /// A reader of `broker`'s controller trace from its current end.
    func traceTail(of broker: BrokerID) throws -> ControllerTraceTail {
        guard let descriptor = try cluster.descriptor().brokers.first(where: { Int32($0.id) == broker }) else {
            throw BenchmarkError("no broker \(broker) in the cluster")
        }
        return ControllerTraceTail(path: descriptor.logDir + "/controller-trace.jsonl")
    }

    /// The last "<marker>X ms" (by default "Initialized controller context in X ms") written to `log` after byte `offset`.
    static func contextLoadMs(log: String, from offset: Int, marker: String = "Initialized controller context in ") -> Int? {
        guard let handle = FileHandle(forReadingAtPath: log) else { return nil }
        defer { try? handle.close() }
        try? handle.seek(toOffset: UInt64(offset))
        guard let data = try? handle.readToEnd(), let text = String(data: data, encoding: .utf8) else { return nil }
        var found: Int?
        for line in text.split(separator: "\n") {
            guard let range = line.range(of: marker) else { continue }
            found = Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        return found
    }

    /// The milliseconds (the pattern's second capture) of every line of `log` after `offset` that matches `pattern`.
    static func markerMs(log: String, from offset: Int, pattern: Regex<(Substring, Substring, Substring)>) -> [Int] {
        guard let handle = FileHandle(forReadingAtPath: log) else { return [] }
        defer { try? handle.close() }
        try? handle.seek(toOffset: UInt64(offset))
        guard let data = try? handle.readToEnd(), let text = String(data: data, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let match = try? pattern.firstMatch(in: line) else { return nil }
            return Int(match.output.2)
        }
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    func samplePeaks(into result: inout ControllerBenchmarkResult) throws {
        for broker in try cluster.descriptor().brokers {
            guard let pid = broker.pid, let bytes = WallClock.peakResidentBytes(pid: pid) else { continue }
            result.peakResidentBytes[Int32(broker.id), default: 0] = max(result.peakResidentBytes[Int32(broker.id)] ?? 0, bytes)
        }
    }
}
