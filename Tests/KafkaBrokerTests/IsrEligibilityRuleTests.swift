import Foundation
import KafkaConfig
import KafkaLog
import KafkaModel
import Logging
import Testing

@testable import KafkaBroker

/// The ISR-eligibility rule is read once per follower per fetched partition. Kept as a bare closure in a
/// generic Mutex, every read re-abstracted it on the way out and back in through `inout`, wrapping it in two
/// more thunks each time: the n-th call walked 2n frames, so a few hundred thousand reads overflowed a thread's
/// stack (at 100,000 partitions a leader spent ~90 % of its CPU there). Here half a million reads must stay
/// correct and survive.
@Suite("ReplicaManager: ISR eligibility rule", .tags(.unit), .timeLimit(.minutes(1)))
struct IsrEligibilityRuleTests {
    @Test func manyReads_neitherGrowNorChangeTheAnswer() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zkafka-ie-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logger = Logger(label: "IsrEligibilityRuleTests")
        let config = try BrokerConfig(values: ["broker.id": "1", "zookeeper.connect": "127.0.0.1:2181", "log.dirs": directory])
        let logManager = try LogManager(logDirs: [directory], config: LogConfig(), logger: logger, nowMs: { ReplicaManager.nowMs() })
        let replicaManager = ReplicaManager(brokerID: 1, config: config, logManager: logManager, logger: logger)
        var eligible = 0
        for _ in 0..<250_000 where replicaManager.isReplicaIsrEligible(2) { eligible += 1 }
        #expect(eligible == 250_000, "ZooKeeper mode's default rule admits every follower")
        replicaManager.attach(isrEligibility: { $0 != 3 })
        var admitted = 0
        for index in 0..<250_000 where replicaManager.isReplicaIsrEligible(BrokerID(2 + index % 2)) { admitted += 1 }
        #expect(admitted == 125_000, "broker 2 admitted, broker 3 refused, every time")
        await replicaManager.shutdown()
    }
}
