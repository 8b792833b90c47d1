import KafkaProtocol
import Testing

@testable import KafkaClient

@Suite(.tags(.unit)) struct RecordAccumulatorTests {
    var config: ProducerConfig {
        var config = ProducerConfig()
        config.batchSize = 1_000
        config.lingerMs = 0
        config.maxInFlightRequestsPerConnection = 2
        return config
    }

    func record(_ topic: String = "t", size: Int = 100) -> ProducerRecord {
        ProducerRecord(topic: topic, value: [UInt8](repeating: 7, count: size))
    }

    @Test func closesABatchWhenTheNextRecordDoesNotFit() {
        var accumulator = RecordAccumulator()
        let now = ContinuousClock.now
        var closedCount = 0
        for _ in 0..<20 {
            if accumulator.append(record(), partition: 0, timestamp: 1, completion: nil, config: config, now: now).closedOne {
                closedCount += 1
            }
        }
        #expect(closedCount >= 2)
        #expect(accumulator.closed.allSatisfy { $0.builder.sizeInBytes <= config.batchSize })
        #expect(accumulator.pendingRecords == 20)
        #expect(accumulator.closed.map(\.recordCount).reduce(0, +) + (accumulator.open.first?.value.recordCount ?? 0) == 20)
    }

    @Test func drainsOneBatchPerPartitionPerRequestWithinTheInFlightLimit() {
        var accumulator = RecordAccumulator()
        let now = ContinuousClock.now
        for index in 0..<60 {
            _ = accumulator.append(record(), partition: Int32(index % 3), timestamp: 1, completion: nil, config: config, now: now)
        }
        // Partitions 0 and 1 on broker 1, partition 2 on broker 2.
        let drained = accumulator.drain(now: now, config: config) { $0.partition == 2 ? 2 : 1 }
        #expect(drained.unknownLeaderTopics.isEmpty)
        for request in drained.requests {
            #expect(Set(request.batches.map(\.key)).count == request.batches.count)
        }
        #expect(drained.requests.filter { $0.broker == 1 }.count == 2)
        #expect(drained.requests.filter { $0.broker == 2 }.count == 2)
        #expect(accumulator.inFlight == [1: 2, 2: 2])
        // Nothing more leaves until a response frees a slot.
        #expect(accumulator.drain(now: now, config: config) { _ in 1 }.requests.isEmpty)
    }

    @Test func keepsBatchesWithoutALeaderAndWaitsForLinger() {
        var lingering = config
        lingering.lingerMs = 50
        var accumulator = RecordAccumulator()
        let now = ContinuousClock.now
        _ = accumulator.append(record("a"), partition: 0, timestamp: 1, completion: nil, config: lingering, now: now)
        _ = accumulator.append(record("b"), partition: 0, timestamp: 1, completion: nil, config: lingering, now: now)
        let early = accumulator.drain(now: now, config: lingering) { _ in 1 }
        #expect(early.requests.isEmpty)
        #expect(early.nextWake == now + .milliseconds(50))
        let later = accumulator.drain(now: now + .milliseconds(60), config: lingering) { $0.topic == "a" ? 1 : nil }
        #expect(later.requests.count == 1)
        #expect(later.unknownLeaderTopics == ["b"])
        #expect(accumulator.open.keys.map(\.topic) == ["b"])
    }

    @Test func expiresBatchesPastTheDeliveryTimeout() {
        var accumulator = RecordAccumulator()
        let now = ContinuousClock.now
        _ = accumulator.append(record(), partition: 0, timestamp: 1, completion: nil, config: config, now: now)
        #expect(accumulator.expire(now: now + .seconds(1), deliveryTimeout: .seconds(2)).isEmpty)
        let expired = accumulator.expire(now: now + .seconds(3), deliveryTimeout: .seconds(2))
        #expect(expired.count == 1)
        accumulator.finished(expired[0])
        #expect(accumulator.isIdle)
        #expect(accumulator.bufferedBytes == 0)
    }
}
