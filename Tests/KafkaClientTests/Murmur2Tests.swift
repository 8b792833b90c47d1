import Testing

@testable import KafkaClient

@Suite(.tags(.unit)) struct Murmur2Tests {
    /// Kafka's `UtilsTest.testMurmur2` vectors: the Java implementation's results.
    @Test(arguments: [
        ("21", Int32(-973_932_308)),
        ("foobar", -790_332_482),
        ("a-little-bit-long-string", -985_981_536),
        ("a-little-bit-longer-string", -1_486_304_829),
        ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971),
        ("abc", 479_470_107),
    ])
    func matchesKafkaVectors(input: String, expected: Int32) {
        #expect(Murmur2.hash(Array(input.utf8)) == expected)
    }

    @Test func toPositiveClearsTheSignBitOnly() {
        #expect(Murmur2.toPositive(-1) == Int32.max)
        #expect(Murmur2.toPositive(Int32.min) == 0)
        #expect(Murmur2.toPositive(42) == 42)
    }

    @Test func emptyInputHashesLikeKafka() {
        // Seed ^ 0, no words, no tail, then the final mix: deterministic and stable.
        #expect(Murmur2.hash([UInt8]()) == Murmur2.hash([UInt8]()))
        #expect(Murmur2.hash([UInt8]()) != Murmur2.hash([0]))
    }
}

@Suite(.tags(.unit)) struct DefaultPartitionerTests {
    @Test func keyedRecordsGoToPositiveMurmur2ModuloPartitions() {
        let key = Array("21".utf8)
        let expected = (Int32(-973_932_308) & 0x7fff_ffff) % 7
        #expect(DefaultPartitioner.partition(forKey: key, partitionCount: 7) == expected)
        let partitioner = DefaultPartitioner()
        for count in 1...12 {
            let partition = partitioner.partition(topic: "t", key: key, partitionCount: count, availablePartitions: [])
            #expect(partition == (Int32(-973_932_308) & 0x7fff_ffff) % Int32(count))
        }
    }

    @Test func keylessRecordsStickUntilANewBatch() {
        let partitioner = DefaultPartitioner()
        let available: [Int32] = [0, 1, 2, 3]
        let first = partitioner.partition(topic: "t", key: nil, partitionCount: 4, availablePartitions: available)
        for _ in 0..<50 {
            #expect(partitioner.partition(topic: "t", key: nil, partitionCount: 4, availablePartitions: available) == first)
        }
        partitioner.onNewBatch(topic: "t", previous: first, partitionCount: 4, availablePartitions: available)
        let second = partitioner.partition(topic: "t", key: nil, partitionCount: 4, availablePartitions: available)
        #expect(second != first)
        #expect(available.contains(second))
        // A stale notification (another partition's batch) does not move the sticky partition.
        partitioner.onNewBatch(topic: "t", previous: first, partitionCount: 4, availablePartitions: available)
        #expect(partitioner.partition(topic: "t", key: nil, partitionCount: 4, availablePartitions: available) == second)
    }

    @Test func keylessRecordsPreferPartitionsWithALeader() {
        for _ in 0..<20 {
            let partitioner = DefaultPartitioner()
            #expect(partitioner.partition(topic: "t", key: nil, partitionCount: 6, availablePartitions: [4]) == 4)
        }
    }
}
