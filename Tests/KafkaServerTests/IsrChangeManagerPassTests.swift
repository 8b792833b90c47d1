import KafkaBroker
import KafkaModel
import Logging
import Synchronization
import Testing

@testable import KafkaServer

/// A leader's ISR shrink pass through ``IsrChangeManager``: every change queued at once (one request, as Kafka's
/// `AlterIsrManager.submit` calls from `maybeShrinkIsr` give), each outcome reported as the controller answers,
/// the call returning once all are in — without a task per change (issue 14).
@Suite("ISR change manager: a pass of changes submitted together", .tags(.unit))
struct IsrChangeManagerPassTests {
    /// Answers every change: accepted with the next version, except partitions listed in `refuse`.
    final class RecordingTransport: IsrChangeTransport {
        let batches = Mutex<[[Partition.IsrUpdate]]>([])
        let refuse: Set<Int32>
        init(refuse: Set<Int32> = []) { self.refuse = refuse }
        var apiName: String { "AlterIsr" }
        func send(_ batch: [Partition.IsrUpdate]) async throws -> IsrChangeTransportAnswer {
            batches.withLock { $0.append(batch) }
            return IsrChangeTransportAnswer(
                controller: 1, error: .none,
                partitions: batch.map { update in
                    IsrChangeAnswer(
                        topicPartition: update.topicPartition,
                        error: refuse.contains(update.topicPartition.partition) ? .invalidUpdateVersion : .none,
                        leaderEpoch: update.leadership.leaderAndISR.leaderEpoch, isr: update.leadership.leaderAndISR.isr,
                        version: update.leadership.leaderAndISR.zkVersion + 1)
                })
        }
        func notController() async {}
        func close() async {}
    }

    static func update(_ partition: Int32) -> Partition.IsrUpdate {
        Partition.IsrUpdate(
            topicPartition: TopicPartition(topic: "t", partition: partition),
            leadership: LeaderISRAndControllerEpoch(leader: 1, leaderEpoch: 2, isr: [1], zkVersion: 5, controllerEpoch: 1))
    }

    @Test(.timeLimit(.minutes(1))) func everyChangeOfAPass_goesInOneRequest_andIsAnsweredOnce() async throws {
        let transport = RecordingTransport(refuse: [7])
        let manager = IsrChangeManager(transport: transport, retryBackoffMs: 50, logger: Logger(label: "test"))
        manager.start()
        let updates = (0..<2_000).map { Self.update(Int32($0)) }
        let answers = Mutex<[Int: [Int32?]]>([:])
        await manager.writeLeaderAndIsr(updates) { index, outcome in
            let version = try? outcome.get()
            answers.withLock { $0[index, default: []].append(version) }
        }
        let got = answers.withLock { $0 }
        #expect(got.count == 2_000)
        #expect(got.values.allSatisfy { $0.count == 1 })
        #expect(got[0] == [6] && got[1_999] == [6])
        #expect(got[7] == [nil])
        let batches = transport.batches.withLock { $0 }
        #expect(batches.count == 1)
        #expect(batches.first?.count == 2_000)
        await manager.shutdown()
    }

    @Test(.timeLimit(.minutes(1))) func aPassAfterShutdown_isAnsweredNotApplied() async {
        let transport = RecordingTransport()
        let manager = IsrChangeManager(transport: transport, retryBackoffMs: 50, logger: Logger(label: "test"))
        manager.start()
        await manager.shutdown()
        let answers = Mutex<[Int32?]>([])
        await manager.writeLeaderAndIsr([Self.update(0), Self.update(1)]) { _, outcome in
            answers.withLock { $0.append(try? outcome.get()) }
        }
        #expect(answers.withLock { $0 } == [nil, nil])
        #expect(transport.batches.withLock { $0 }.isEmpty)
    }
}
