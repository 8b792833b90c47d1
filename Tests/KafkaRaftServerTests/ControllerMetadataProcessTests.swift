import Foundation
import KafkaModel
import KafkaProtocol
import KafkaQuorumController
import KafkaRaftProtocol
import KafkaTestKit
import Synchronization
import Testing

/// Three real controller processes running the quorum controller: fake brokers register and heartbeat, a topic
/// is created, the active controller is killed -9 and the new one already holds the registrations (hot
/// standby), and a broker that stops heartbeating is fenced and its partitions re-led.
@Suite(.tags(.cluster), .serialized, .timeLimit(.minutes(3)))
struct ControllerMetadataProcessTests {
    static let notController = KafkaErrorCode.notController.rawValue

    @Test func controllers_registerHeartbeatCreateTopicsFailOverAndFence() async throws {
        // A session of 9 s keeps the test short and outlasts a slow heartbeat round on a loaded machine (with 4 s, a
        // CI run under load fenced 101 and 102 during the controller failover: the ISRs shrank to [103], and when
        // 103 was fenced its partitions were left leaderless); small snapshots exercise KIP-630 on the way.
        let quorum = try ControllerQuorumProcesses(extraConfig: [
            "broker.session.timeout.ms=9000", "metadata.log.max.record.bytes.between.snapshots=600",
            "zkafka.metrics.port=0",
        ])
        defer { quorum.stopAll() }
        for id: Int32 in [1, 2, 3] { try quorum.start(id) }
        let client = ControllerClient(quorum: quorum)

        // 1. Three brokers register with the active controller; the others answer NOT_CONTROLLER.
        var epochs: [Int32: Int64] = [:]
        var active: Int32 = -1
        for broker: Int32 in [101, 102, 103] {
            let answer = try await poll("broker \(broker) answered by a controller", timeout: .seconds(30), detail: quorum.logs) {
                await client.register(broker, incarnation: KafkaUUID(mostSignificantBits: 7, leastSignificantBits: UInt64(broker)))
            }
            #expect(answer.response.errorCode == 0)
            #expect(answer.response.brokerEpoch > 0)
            epochs[broker] = answer.response.brokerEpoch
            active = answer.controller
        }
        let standby = [Int32(1), 2, 3].first { $0 != active }!
        let refused = await client.register(
            104, incarnation: KafkaUUID(mostSignificantBits: 7, leastSignificantBits: 104), ids: [standby])
        #expect(refused == nil, "a standby controller must answer NOT_CONTROLLER")

        // 2. Heartbeats unfence them once their metadata offset reaches their registration.
        let caughtUp = epochs.values.max()!
        for broker: Int32 in [101, 102, 103] {
            let beat = try await poll("a heartbeat from broker \(broker) answered", timeout: .seconds(10), detail: quorum.logs) {
                await client.heartbeat(broker, epoch: epochs[broker]!, metadataOffset: caughtUp)
            }
            #expect(beat.response.errorCode == 0)
        }
        let unfenced = try await poll("every broker unfenced", timeout: .seconds(10), detail: quorum.logs) { () async -> Bool? in
            for broker: Int32 in [101, 102, 103] {
                guard let beat = await client.heartbeat(broker, epoch: epochs[broker]!, metadataOffset: caughtUp),
                    beat.response.errorCode == 0, !beat.response.isFenced
                else { return nil }
            }
            return true
        }
        #expect(unfenced)
        // From here the brokers heartbeat from a task of their own every 300 ms, as a broker's lifecycle manager
        // does, until step 5 stops 103 and step 6 takes over: steps 3 and 4 sent none, and when they took longer
        // than the session (then 4 s; the whole in-process suite running beside this test), the first controller fenced
        // all three, which left kraft-a's partitions leaderless with ISR [103].
        let beating = BrokersBeating([101, 102, 103])
        let beatingEpochs = epochs
        let heartbeats = Task {
            while !Task.isCancelled {
                // Side by side: one heartbeat waiting on a controller that is not answering must not hold back the
                // other brokers' (each tries every running controller in turn).
                await withTaskGroup(of: Void.self) { group in
                    for broker in beating.current {
                        group.addTask { _ = await client.heartbeat(broker, epoch: beatingEpochs[broker]!, metadataOffset: caughtUp) }
                    }
                }
                try? await Task.sleep(for: .milliseconds(300))
            }
        }
        defer { heartbeats.cancel() }

        // 3. CreateTopics: the PartitionRecords are committed and an observer fetching the log sees them.
        let created = try await poll("CreateTopics answered", timeout: .seconds(10), detail: quorum.logs) { await client.createTopic("kraft-a", partitions: 6, replicationFactor: 3) }
        #expect(created.topics.map(\.errorCode) == [0])
        let observed = try await poll("an observer sees kraft-a's 6 partitions", timeout: .seconds(10), detail: quorum.logs) { () async -> QuorumControllerState? in
            guard let view = try? await client.observedState(from: active, observerID: 101),
                view.state.topic(named: "kraft-a")?.partitions.count == 6
            else { return nil }
            return view.state
        }
        #expect(observed.brokers.keys.sorted() == [101, 102, 103])
        #expect(observed.topic(named: "kraft-a")!.partitions.values.allSatisfy { $0.isr.count == 3 && $0.leader > 0 })

        // The active controller's /metrics carries the KRaft gauges, per-voter lag included.
        let metrics = try quorum.metrics(active)
        #expect(metrics.contains("kafka_server_raft_metrics_current_leader{node=\"\(active)\"} \(active)\n"))
        #expect(metrics.contains("kafka_controller_active_controller_count{node=\"\(active)\"} 1\n"))
        #expect(metrics.contains("kafka_controller_global_partition_count{node=\"\(active)\"} 6\n"))
        for voter: Int32 in [1, 2, 3] { #expect(metrics.contains("kafka_server_raft_metrics_voter_lag{node=\"\(active)\",voter=\"\(voter)\"}")) }
        #expect(metrics.contains("kafka_server_raft_metrics_high_watermark{node=\"\(active)\"}"))
        let standbyMetrics = try quorum.metrics(standby)
        #expect(standbyMetrics.contains("kafka_controller_active_controller_count{node=\"\(standby)\"} 0\n"))

        // 4. kill -9 the active controller; keep heartbeating: a new active controller answers with the same
        // broker epochs (it replayed the registrations as a standby) within a few seconds.
        quorum.signal(active, SIGKILL)
        let failoverStart = ContinuousClock.now
        let survivors = [Int32(1), 2, 3].filter { $0 != active }
        let newActive = try await poll("a new active controller answers heartbeats", timeout: .seconds(20), detail: quorum.logs) { () async -> Int32? in
            guard let beat = await client.heartbeat(101, epoch: epochs[101]!, metadataOffset: caughtUp),
                beat.response.errorCode == 0
            else { return nil }
            return beat.controller
        }
        let failover = ContinuousClock.now - failoverStart
        #expect(survivors.contains(newActive))
        #expect(failover < .seconds(15))
        print("kraft-ctl: new active controller \(newActive) answered a heartbeat \(failover) after kill -9 of \(active)")

        // 5. Brokers 101 and 102 keep heartbeating, 103 stops: its session expires and it is fenced; every
        // partition it led gets another leader and it leaves every ISR.
        beating.stop(103)
        let fenced = try await poll("broker 103 fenced and out of every ISR", timeout: .seconds(30), detail: quorum.logs) { () async -> QuorumControllerState? in
            guard let view = try? await client.observedState(from: newActive, observerID: 102),
                view.state.brokers[103]?.fenced == true
            else { return nil }
            return view.state
        }
        let partitions = fenced.topic(named: "kraft-a")!.partitions.values
        #expect(partitions.allSatisfy { $0.leader == 101 || $0.leader == 102 })
        #expect(partitions.allSatisfy { !$0.isr.contains(103) })
        #expect(fenced.brokers[101]?.fenced == false && fenced.brokers[102]?.fenced == false)
        heartbeats.cancel()
        _ = await heartbeats.value

        // 6. Controlled shutdown through heartbeats (KIP-841): 102 asks to shut down; its leaderships move to 101
        // and, once every active broker's metadata offset passed those records, it is told to shut down.
        let released = try await poll("the broker released", timeout: .seconds(20), detail: quorum.logs) { () async -> Bool? in
            _ = await client.heartbeat(101, epoch: epochs[101]!, metadataOffset: 1_000_000)
            guard let beat = await client.heartbeat(102, epoch: epochs[102]!, metadataOffset: 1_000_000, wantShutDown: true),
                beat.response.errorCode == 0, beat.response.shouldShutDown
            else { return nil }
            return true
        }
        #expect(released)
        let afterShutdown = try await poll("the controller state after the controlled shutdown", timeout: .seconds(10), detail: quorum.logs) { () async -> QuorumControllerState? in
            guard let view = try? await client.observedState(from: newActive, observerID: 101),
                view.state.brokers[102]?.fenced == true
            else { return nil }
            return view.state
        }
        #expect(afterShutdown.topic(named: "kraft-a")!.partitions.values.allSatisfy { $0.leader == 101 })

        // 7. The trace of the new active controller shows its election, its failover and the fencing.
        let trace = try String(contentsOfFile: quorum.dataPath(newActive) + "/controller-trace.jsonl", encoding: .utf8)
        #expect(trace.contains(#""kind":"elected""#))
        #expect(trace.contains(#""kind":"failoverCompleted""#))
        #expect(trace.contains(#""deadBrokers":[103]"#))
        #expect(trace.contains(#""kind":"follower""#) || trace.contains(#""kind":"voted""#))
        #expect(trace.contains("PartitionChangeRecord@"))

        // 8. Snapshots were written (the log prefix they cover is gone).
        let metadataDir = quorum.dataPath(newActive) + "/__cluster_metadata-0"
        let files = try FileManager.default.contentsOfDirectory(atPath: metadataDir)
        #expect(files.contains { $0.hasSuffix(".checkpoint") })
    }
}

/// The fake brokers that the background heartbeat task keeps alive.
private final class BrokersBeating: Sendable {
    private let brokers: Mutex<[Int32]>
    init(_ brokers: [Int32]) { self.brokers = Mutex(brokers) }
    var current: [Int32] { brokers.withLock { $0 } }
    func stop(_ broker: Int32) { brokers.withLock { $0.removeAll { $0 == broker } } }
}
