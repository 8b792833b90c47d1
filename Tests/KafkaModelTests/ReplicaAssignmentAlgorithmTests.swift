import SeededRandom
import KafkaModel
import Testing

@Suite(.tags(.unit)) struct ReplicaAssignmentAlgorithmTests {
    /// Kafka's `AdminTest.testReplicaAssignment` expectation (fixed start index 0 → start 0, shift 0).
    @Test func assignReplicasToBrokers_fiveBrokersTenPartitionsRF3_matchesKafka() throws {
        let assignment = try ReplicaAssignmentAlgorithm.assignReplicasToBrokers(
            brokers: [0, 1, 2, 3, 4], partitionCount: 10, replicationFactor: 3, startIndex: 0, nextReplicaShift: 0)
        let expected: [Int32: [BrokerID]] = [
            0: [0, 1, 2], 1: [1, 2, 3], 2: [2, 3, 4], 3: [3, 4, 0], 4: [4, 0, 1],
            5: [0, 2, 3], 6: [1, 3, 4], 7: [2, 4, 0], 8: [3, 0, 1], 9: [4, 1, 2],
        ]
        #expect(assignment == expected)
    }

    @Test func assignReplicasToBrokers_startIndexAndShift_followKafkaFormula() throws {
        // start 2, shift 1, 4 brokers: p0 first = b[2]; followers at 1+(1+j)%3 → +2, +3.
        let assignment = try ReplicaAssignmentAlgorithm.assignReplicasToBrokers(
            brokers: [10, 11, 12, 13], partitionCount: 5, replicationFactor: 3, startIndex: 2, nextReplicaShift: 1)
        #expect(assignment[0] == [12, 10, 11])
        #expect(assignment[1] == [13, 11, 12])
        #expect(assignment[2] == [10, 12, 13])
        #expect(assignment[3] == [11, 13, 10])
        // p4: shift becomes 2 → followers at +3, +1.
        #expect(assignment[4] == [12, 11, 13])
    }

    @Test func assignReplicasToBrokers_startPartitionID_continuesNumbering() throws {
        let assignment = try ReplicaAssignmentAlgorithm.assignReplicasToBrokers(
            brokers: [0, 1, 2, 3, 4], partitionCount: 2, replicationFactor: 3, startIndex: 0, nextReplicaShift: 0,
            startPartitionID: 5)
        #expect(assignment == [5: [0, 2, 3], 6: [1, 3, 4]])
    }

    @Test func assignReplicasToBrokers_everyPartitionHasDistinctReplicas() throws {
        var generator = SplitMix64(seed: 42)
        for brokers in 1...7 {
            for rf in 1...brokers {
                let assignment = try ReplicaAssignmentAlgorithm.assignReplicasToBrokers(
                    brokers: (0..<BrokerID(brokers)).map { $0 }, partitionCount: 20, replicationFactor: rf,
                    using: &generator)
                #expect(assignment.count == 20)
                for replicas in assignment.values {
                    #expect(replicas.count == rf)
                    #expect(Set(replicas).count == rf)
                }
            }
        }
    }

    @Test func assignReplicasToBrokers_invalidInputs_throwKafkaErrors() {
        #expect(throws: ReplicaAssignmentError.invalidReplicationFactor("Replication factor: 4 larger than available brokers: 3.")) {
            try ReplicaAssignmentAlgorithm.assignReplicasToBrokers(
                brokers: [0, 1, 2], partitionCount: 1, replicationFactor: 4, startIndex: 0, nextReplicaShift: 0)
        }
        #expect(throws: ReplicaAssignmentError.invalidPartitions("Number of partitions must be larger than 0.")) {
            try ReplicaAssignmentAlgorithm.assignReplicasToBrokers(
                brokers: [0, 1, 2], partitionCount: 0, replicationFactor: 1, startIndex: 0, nextReplicaShift: 0)
        }
        #expect(throws: ReplicaAssignmentError.invalidReplicationFactor("Replication factor must be larger than 0.")) {
            try ReplicaAssignmentAlgorithm.assignReplicasToBrokers(
                brokers: [0, 1, 2], partitionCount: 3, replicationFactor: 0, startIndex: 0, nextReplicaShift: 0)
        }
    }
}
