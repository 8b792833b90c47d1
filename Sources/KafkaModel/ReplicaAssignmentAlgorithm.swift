/// Why a replica assignment could not be computed (Kafka's `InvalidPartitionsException` and
/// `InvalidReplicationFactorException`).
public enum ReplicaAssignmentError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidPartitions(String)
    case invalidReplicationFactor(String)

    public var description: String {
        switch self {
        case .invalidPartitions(let message), .invalidReplicationFactor(let message): message
        }
    }
}

/// Kafka's rack-unaware replica placement (`AdminUtils.assignReplicasToBrokers` without racks).
///
/// Goals, as Kafka states them: spread replicas evenly over brokers, and place a partition's replicas on
/// different brokers. The first replica of partition `p` goes to `brokers[(p + startIndex) mod n]`; replica
/// `j + 1` goes `1 + (shift + j) mod (n − 1)` positions after it; `shift` grows by one every `n`
/// partitions so that followers do not line up. Kafka draws `startIndex` and the initial shift at random;
/// here they are parameters (``assignReplicasToBrokers(brokers:partitionCount:replicationFactor:startIndex:nextReplicaShift:startPartitionID:)``)
/// or drawn from an injected generator.
///
/// Example (brokers 0–4, 10 partitions, RF 3, start 0, shift 0):
/// ```
/// broker-0  broker-1  broker-2  broker-3  broker-4
/// p0        p1        p2        p3        p4       (1st replica)
/// p5        p6        p7        p8        p9       (1st replica)
/// p4        p0        p1        p2        p3       (2nd replica)
/// p8        p9        p5        p6        p7       (2nd replica)
/// p3        p4        p0        p1        p2       (3rd replica)
/// p7        p8        p9        p5        p6       (3rd replica)
/// ```
public enum ReplicaAssignmentAlgorithm {
    /// Assigns replicas with explicit start index and replica shift.
    ///
    /// - Parameters:
    ///   - brokers: broker ids in the order placement walks them (Kafka's callers pass them sorted by id).
    ///   - partitionCount: partitions to assign, > 0.
    ///   - replicationFactor: replicas per partition, > 0 and ≤ `brokers.count`.
    ///   - startIndex: index into `brokers` of partition `startPartitionID`'s first replica (taken mod n).
    ///   - nextReplicaShift: initial shift of the followers (taken as is, like Kafka).
    ///   - startPartitionID: the first partition id to assign (for adding partitions); negative means 0.
    /// - Returns: partition id → replicas, first replica first.
    public static func assignReplicasToBrokers(
        brokers: [BrokerID], partitionCount: Int32, replicationFactor: Int, startIndex: Int, nextReplicaShift: Int,
        startPartitionID: Int32 = -1
    ) throws(ReplicaAssignmentError) -> [Int32: [BrokerID]] {
        try validate(brokers: brokers, partitionCount: partitionCount, replicationFactor: replicationFactor)
        let brokerCount = brokers.count
        let start = ((startIndex % brokerCount) + brokerCount) % brokerCount
        var shift = nextReplicaShift
        var partitionID = max(0, startPartitionID)
        var assignment: [Int32: [BrokerID]] = [:]
        for _ in 0..<partitionCount {
            if partitionID > 0 && Int(partitionID) % brokerCount == 0 { shift += 1 }
            let firstReplicaIndex = (Int(partitionID) + start) % brokerCount
            var replicas = [brokers[firstReplicaIndex]]
            for j in 0..<(replicationFactor - 1) {
                replicas.append(brokers[replicaIndex(firstReplicaIndex, shift, j, brokerCount)])
            }
            assignment[partitionID] = replicas
            partitionID += 1
        }
        return assignment
    }

    /// Assigns replicas with start index and shift drawn from `generator`, each uniformly in `0..<brokers.count`
    /// as Kafka does.
    public static func assignReplicasToBrokers<Generator: RandomNumberGenerator>(
        brokers: [BrokerID], partitionCount: Int32, replicationFactor: Int, startPartitionID: Int32 = -1,
        using generator: inout Generator
    ) throws(ReplicaAssignmentError) -> [Int32: [BrokerID]] {
        try validate(brokers: brokers, partitionCount: partitionCount, replicationFactor: replicationFactor)
        let startIndex = Int.random(in: 0..<brokers.count, using: &generator)
        let shift = Int.random(in: 0..<brokers.count, using: &generator)
        return try assignReplicasToBrokers(
            brokers: brokers, partitionCount: partitionCount, replicationFactor: replicationFactor,
            startIndex: startIndex, nextReplicaShift: shift, startPartitionID: startPartitionID)
    }

    private static func validate(
        brokers: [BrokerID], partitionCount: Int32, replicationFactor: Int
    ) throws(ReplicaAssignmentError) {
        if partitionCount <= 0 { throw .invalidPartitions("Number of partitions must be larger than 0.") }
        if replicationFactor <= 0 {
            throw .invalidReplicationFactor("Replication factor must be larger than 0.")
        }
        if replicationFactor > brokers.count {
            throw .invalidReplicationFactor(
                "Replication factor: \(replicationFactor) larger than available brokers: \(brokers.count).")
        }
    }

    /// Kafka's `replicaIndex`: the follower `replicaIndex` positions (after the shift) past the first replica.
    private static func replicaIndex(_ firstReplicaIndex: Int, _ secondReplicaShift: Int, _ replicaIndex: Int, _ brokerCount: Int) -> Int {
        let shift = 1 + (secondReplicaShift + replicaIndex) % (brokerCount - 1)
        return (firstReplicaIndex + shift) % brokerCount
    }
}
