import Foundation
import KafkaModel
import LocalCluster

/// The steps of one `ControllerBenchmark` row on a running cluster, the same in both modes: create
/// topics, one more topic to time propagation, kill a broker, shut one down cleanly, kill the active
/// controller. What differs between ZooKeeper mode and KRaft is behind `plane`. Wall-clock
/// milliseconds throughout, the unit of the controller trace it reads.
struct ControllerBenchmarkRun: Sendable {
    let partitions: Int
    let partitionsPerTopic: Int
    let cluster: LocalCluster
    let plane: any ControlPlane
    let progress: @Sendable (String) -> Void
    let probe = BrokerMetadataProbe()

    var prefix: String { ControllerBenchmark.topicPrefix }
    /// Generous bound for any single wait: ZooKeeper on 2 shared cores manages a few thousand writes/s.
    var timeout: Duration { .seconds(90 + partitions / 200) }

    func measure(into result: inout ControllerBenchmarkResult) async throws {
        guard !(try brokers().isEmpty) else {
            // KRaft controllers without brokers (a zkafka that cannot run process.roles=broker yet):
            // only the quorum's own failover can be measured.
            result.notes.append("N=\(partitions) \(plane.mode.rawValue): no brokers, so only the controller election was measured")
            try await killController(into: &result)
            return
        }
        try await createTopics(into: &result)
        try await measurePropagation(into: &result)
        try await killBroker(into: &result)
        try await controlledShutdown(into: &result)
        try await killController(into: &result)
        try await settlePeaks(into: &result)
    }

    /// The brokers go on growing for a while after the failover's metadata reached them (the new leaders' fetch
    /// sessions, the restarted replicas catching up): the last peak reading waits until the new controller is
    /// quiet and no broker's high-water mark has risen for 10 s (at most a minute), so the table does not miss it.
    func settlePeaks(into result: inout ControllerBenchmarkResult) async throws {
        guard let controller = result.controllers.last else { return }
        try await waitUntilQuiet(Int(controller))
        let deadline = ContinuousClock.now + .seconds(60)
        var total = -1
        var steadySince = ContinuousClock.now
        while ContinuousClock.now < deadline && ContinuousClock.now - steadySince < .seconds(10) {
            try samplePeaks(into: &result)
            let now = result.peakResidentBytes.values.reduce(0, +)
            if now != total { total = now; steadySince = ContinuousClock.now }
            try await Task.sleep(for: .seconds(1))
        }
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
        try await plane.createTopics(topics, through: try brokers())
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

    // MARK: - Metadata propagation

    /// One more topic (one partition, RF 3) on a quiet cluster: from the create call until every
    /// broker's cache shows it with a leader. The same change in both modes, so the figure is the
    /// path from the control plane to every broker (ZooKeeper mode: znode, watch, controller,
    /// LeaderAndIsr + UpdateMetadata; KRaft: CreateTopics, metadata log commit, brokers' fetch).
    func measurePropagation(into result: inout ControllerBenchmarkResult) async throws {
        let controller = try await plane.activeController(timeout: timeout)
        try await waitUntilQuiet(controller)
        // Outside the "bench-" prefix, so the scenarios' partition counts stay N.
        let topic = "probe-propagation"
        progress("creating topic \(topic) (1 partition) to time propagation to every broker")
        let start = WallClock.nowMs()
        try await plane.createTopics([(topic, [0: ReplicaAssignment(replicas: [1, 2, 3])])], through: try brokers())
        let done = try await probe.waitUntil(try brokers(), timeout: timeout, what: "topic \(topic) with a leader") { answer in
            answer.topics.contains { $0.name == topic && $0.errorCode == 0 && $0.partitions.first.map { $0.leaderId >= 0 } == true }
        }
        result.propagationSeconds = Double(done - start) / 1000
        progress(String(format: "on every broker after %.2f s", result.propagationSeconds!))
    }

    // MARK: - Broker death

    func killBroker(into result: inout ControllerBenchmarkResult) async throws {
        let controller = try await plane.activeController(timeout: timeout)
        try await waitUntilQuiet(controller)
        let (victim, led) = try await busiestBroker(excluding: plane.controllerIsBroker ? Int32(controller) : -1)
        result.deadBrokerLed = led.count
        try samplePeaks(into: &result)
        progress("kill -9 broker \(victim) (leads \(led.count) partitions; controller is \(controller))")
        let trace = try traceTail(of: controller)
        let killedAt = WallClock.nowMs()
        try await WallClock.offPool { [cluster] in try cluster.kill(.broker(Int(victim)), signal: .kill) }
        let detectedAt = try await plane.waitForBrokerDetection(
            victim, survivors: try brokers().filter { $0.id != victim }, timeout: timeout)
        result.brokerDetectionSeconds = Double(detectedAt - killedAt) / 1000
        // The trace is read beside the caches' probe, not before it: parsing thousands of trace lines first
        // delayed the probe's start, and so the figure, by up to seconds (issue 14).
        let timeout = timeout
        async let traced = trace?.waitForOnline(led, timeout: timeout)
        let cachesAt = try await waitUntilLeadersMoved(off: victim, led: led)
        if let writtenAt = await traced {
            result.releadZooKeeperSeconds = Double(max(writtenAt, detectedAt) - detectedAt) / 1000
        } else {
            result.notes.append("N=\(partitions): the controller trace does not show all \(led.count) re-elections")
        }
        result.releadCachesSeconds = Double(cachesAt - detectedAt) / 1000
        progress(String(
            format: "broker %d: detected after %.1f s, re-led in the controller trace %@ s and in caches %.2f s later", victim,
            result.brokerDetectionSeconds!, result.releadZooKeeperSeconds.map { String(format: "%.2f", $0) } ?? "?",
            result.releadCachesSeconds!))
        try await restart(victim)
    }

    // MARK: - Controlled shutdown

    func controlledShutdown(into result: inout ControllerBenchmarkResult) async throws {
        let controller = try await plane.activeController(timeout: timeout)
        try await waitUntilQuiet(controller)
        let (victim, led) = try await busiestBroker(excluding: plane.controllerIsBroker ? Int32(controller) : -1)
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
        let timeout = timeout
        async let traced = trace?.waitForOnline(led, timeout: timeout)
        let movedAt = try await waitUntilLeadersMoved(off: victim, led: led)
        result.controlledShutdownSeconds = Double(movedAt - termAt) / 1000
        if let writtenAt = await traced {
            result.controlledShutdownZooKeeperSeconds = Double(writtenAt - termAt) / 1000
        }
        result.shutdownExitSeconds = Double(try await exitedAt - termAt) / 1000
        progress(String(
            format: "broker %d: leaders moved in %.2f s, process gone after %.2f s", victim,
            result.controlledShutdownSeconds!, result.shutdownExitSeconds!))
        try await restart(victim)
    }

    // MARK: - Controller failover

    func killController(into result: inout ControllerBenchmarkResult) async throws {
        let controller = try await plane.activeController(timeout: timeout)
        try await waitUntilQuiet(controller)
        result.controllers.append(Int32(controller))
        let live = try brokers().filter { !plane.controllerIsBroker || Int($0.id) != controller }
        // ZooKeeper mode: the partitions the dying controller led move too; KRaft: no broker dies.
        let ledByController = plane.controllerIsBroker && !live.isEmpty
            ? try await busiestBroker(excluding: -1, only: Int32(controller)).1 : []
        try samplePeaks(into: &result)
        if plane.controllerIsBroker {
            progress("measuring the ensemble on the populated tree (every partition state read, \(FailoverEnsembleBound.scratchWrites) states written in fenced multis)")
            let partitionList = assignments.flatMap { topic in topic.partitions.keys.map { TopicPartition(topic: topic.topic, partition: $0) } }
            if let bound = try await plane.measureFailoverBound(partitions: partitionList) {
                result.failoverStateReadSeconds = bound.partitionStateReadSeconds
                result.failoverMultiWritesPerSecond = bound.multiWritesPerSecond
            }
            try await waitUntilQuiet(controller)
        }
        var traces: [Int: ControllerTraceTail] = [:]
        let candidates = plane.controllerIsBroker ? try brokers().map { Int($0.id) } : try plane.controllerProcesses().map(\.id)
        for id in candidates where id != controller { traces[id] = try plane.tracePath(ofController: id).map(ControllerTraceTail.init) }
        let descriptor = try cluster.descriptor()
        let logOffsets = (descriptor.brokers + descriptor.controllers).reduce(into: [Int: Int]()) { $0[$1.id] = Self.fileSize($1.log) }
        // The id read above must still be the active controller's: a controller that moved meanwhile (a
        // session expired under load) would make the kill hit a bystander and the figures nonsense (a
        // kill→detect of −681 s was once printed).
        let stillActive = try await plane.activeController(timeout: timeout)
        guard stillActive == controller else {
            throw BenchmarkError("the active controller moved from \(controller) to \(stillActive) before the kill; controller failover not measured")
        }
        progress("kill -9 the active controller, \(plane.member(ofController: controller))")
        let killedAt = WallClock.nowMs()
        let member = plane.member(ofController: controller)
        try await WallClock.offPool { [cluster] in try cluster.kill(member, signal: .kill) }
        let (detectedAt, electedAt, newController) = try await plane.waitForNewController(replacing: controller, timeout: timeout)
        // Both from the same machine's clock: a new controller seen before the kill means /controller had
        // changed before it (the id killed was stale).
        guard min(detectedAt, electedAt) >= killedAt else {
            throw BenchmarkError(
                "controller \(newController) was seen \(killedAt - min(detectedAt, electedAt)) ms before controller \(controller) "
                    + "was killed: /controller changed before the kill (a stale controller id); controller failover not measured")
        }
        result.controllers.append(Int32(newController))
        result.controllerDetectionSeconds = Double(detectedAt - killedAt) / 1000
        result.newControllerSeconds = Double(electedAt - detectedAt) / 1000
        let timeout = timeout
        let newTrace = ledByController.isEmpty ? nil : traces[newController]
        async let traced = newTrace?.waitForOnline(ledByController, timeout: timeout)
        if !live.isEmpty {
            // Cheap sampled polls from the detection on (three topics of the partitions the dead controller led, which
            // must move), then one full answer per broker: full answers polled throughout would compete with the new
            // controller for the two cores (issue 14).
            let liveIDs = Set(live.map(\.id))
            let plane = plane
            let prefix = prefix
            // KRaft: no partition has to move; any topics will do.
            let anyTopics = Set(assignments.map { TopicPartition(topic: $0.topic, partition: 0) })
            let cachesAt = try await waitSampledThenConfirmed(
                live, sampling: ledByController.isEmpty ? anyTopics : ledByController,
                what: "controller \(newController) and a live leader for every partition"
            ) { answer, expected in
                let known = answer.benchPartitions(prefix: prefix)
                return plane.metadataIsCurrent(controllerID: answer.controllerId, newController: newController) && known.count == expected
                    && known.allSatisfy { liveIDs.contains($0.leader) }
            }
            result.failoverMetadataSeconds = Double(cachesAt - detectedAt) / 1000
            result.failoverFromKillSeconds = Double(cachesAt - killedAt) / 1000
        }
        if newTrace != nil, await traced == nil {
            result.notes.append("N=\(partitions): the new controller's trace does not show all \(ledByController.count) re-elections")
        }
        if plane.controllerIsBroker {
            // The broker's log is flushed every 100 ms, and the sampled probe can see the caches current before the
            // controller's last lines of the failover are on disk: wait for them (briefly) before reading them.
            let deadline = ContinuousClock.now + .seconds(5)
            while ContinuousClock.now < deadline,
                try plane.logTiming(ControllerBenchmarkRun.stateMachinesMarker, ofController: newController, logOffsets: logOffsets) == nil {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .milliseconds(300))
        }
        result.contextLoadSeconds = try plane.logTiming(ControllerBenchmarkRun.contextLoadMarker, ofController: newController, logOffsets: logOffsets)
            .map { Double($0) / 1000 }
        result.stateMachinesSeconds = try plane.logTiming(
            ControllerBenchmarkRun.stateMachinesMarker, ofController: newController, logOffsets: logOffsets
        ).map { Double($0) / 1000 }
        result.failoverPartitionWrites = try plane.failoverWrites(ofController: newController, logOffsets: logOffsets)
        // ZooKeeper mode: how long after queueing each broker answered the failover's big requests.
        if plane.controllerIsBroker, let broker = descriptor.brokers.first(where: { $0.id == newController }) {
            result.requestsAnsweredSeconds = Self.markerMs(
                log: broker.log, from: logOffsets[newController] ?? 0,
                pattern: /answered (LeaderAndIsr|UpdateMetadata) for \d+ partitions (\d+) ms after it was queued/
            ).max().map { Double($0) / 1000 }
        }
        try samplePeaks(into: &result)
        progress(String(
            format: "controller %d → %d: detected after %.2f s, elected %.2f s later%@", controller, newController,
            result.controllerDetectionSeconds!, result.newControllerSeconds!,
            result.failoverMetadataSeconds.map { String(format: ", caches %.2f s after detection", $0) } ?? ""))
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
        // Untimed, and slower than any timed step: the restarted replicas catch up through the data plane
        // and every leader expands its ISRs (at 100,000 partitions `timeout` alone was not enough).
        _ = try await probe.waitUntil(try brokers(), timeout: timeout * 2, what: "a full ISR for all \(expected) partitions") {
            let known = $0.benchPartitions(prefix: prefix)
            return known.count == expected && known.allSatisfy { $0.isrCount == ControllerBenchmark.replicationFactor }
        }
    }

    // MARK: - Observations

    func brokers() throws -> [BrokerMetadataProbe.Broker] {
        try cluster.descriptor().brokers.filter { $0.state != .stopped }.map { .init(id: Int32($0.id), host: $0.host, port: $0.port) }
    }

    /// The non-controller broker leading the most benchmark partitions, per the controller's cache.
    func busiestBroker(excluding controller: BrokerID, only: BrokerID? = nil) async throws -> (BrokerID, Set<TopicPartition>) {
        // The controller's cache (ZooKeeper mode) is the freshest; KRaft's controllers are no brokers: ask any.
        let anyBroker = try brokers().first?.id ?? -1
        let asked = only ?? (controller >= 0 ? controller : anyBroker)
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

    /// Waits (up to `timeout`) until `broker`'s controller trace has not grown for 2 s: the controller
    /// has finished what earlier steps gave it (after creating topics it still moves 3N replicas
    /// online after the caches already show every leader), so each step measures an idle controller.
    func waitUntilQuiet(_ controller: Int) async throws {
        guard let path = try plane.tracePath(ofController: controller) else { return }
        let deadline = ContinuousClock.now + timeout
        var size = Self.fileSize(path)
        var quietSince = ContinuousClock.now
        while ContinuousClock.now < deadline && ContinuousClock.now - quietSince < .seconds(2) {
            try await Task.sleep(for: .milliseconds(200))
            let now = Self.fileSize(path)
            if now != size { size = now; quietSince = ContinuousClock.now }
        }
    }

    /// A reader of controller `id`'s trace from its current end, if it writes one.
    func traceTail(of controller: Int) throws -> ControllerTraceTail? {
        try plane.tracePath(ofController: controller).map(ControllerTraceTail.init)
    }

    /// The last "<marker>X ms" (by default "Initialized controller context in X ms") written to `log` after byte `offset`.
    static let contextLoadMarker = "Initialized controller context in "
    static let stateMachinesMarker = "Started the state machines and queued their requests in "

    static func contextLoadMs(log: String, from offset: Int, marker: String = contextLoadMarker) -> Int? {
        guard let text = logText(log, from: offset) else { return nil }
        var found: Int?
        for line in text.split(separator: "\n") {
            guard let range = line.range(of: marker) else { continue }
            found = Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        return found
    }

    /// The milliseconds (the pattern's second capture) of every line of `log` after `offset` that matches `pattern`.
    static func markerMs(log: String, from offset: Int, pattern: Regex<(Substring, Substring, Substring)>) -> [Int] {
        guard let text = logText(log, from: offset) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let match = try? pattern.firstMatch(in: line) else { return nil }
            return Int(match.output.2)
        }
    }

    /// What `log` holds after byte `offset` (a broker's log from before a scenario's kill), as text.
    static func logText(_ log: String, from offset: Int) -> String? {
        guard let handle = FileHandle(forReadingAtPath: log) else { return nil }
        defer { try? handle.close() }
        try? handle.seek(toOffset: UInt64(offset))
        guard let data = try? handle.readToEnd() else { return nil }
        return String(data: data, encoding: .utf8)
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    func samplePeaks(into result: inout ControllerBenchmarkResult) throws {
        for broker in try cluster.descriptor().brokers {
            guard let pid = cluster.hostProcessID(of: .broker(broker.id)), let bytes = WallClock.peakResidentBytes(pid: pid) else { continue }
            result.peakResidentBytes[Int32(broker.id), default: 0] = max(result.peakResidentBytes[Int32(broker.id)] ?? 0, bytes)
        }
        for (id, pid) in try plane.controllerProcesses() {
            guard let bytes = WallClock.peakResidentBytes(pid: pid) else { continue }
            result.controllerProcessPeakBytes[Int32(id)] = max(result.controllerProcessPeakBytes[Int32(id)] ?? 0, bytes)
        }
    }
}
