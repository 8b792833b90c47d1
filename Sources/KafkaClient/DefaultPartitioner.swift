import Synchronization

/// Kafka 2.8's `DefaultPartitioner`: a record with a key goes to
/// `toPositive(murmur2(key)) % numPartitions`; a record without one sticks to one partition until
/// the batch for that partition is sent, then another partition is picked at random among those
/// with a leader (KIP-480's `StickyPartitionCache`), so keyless records fill whole batches.
public final class DefaultPartitioner: Sendable {
    private let sticky = Mutex<[String: Int32]>([:])

    public init() {}

    /// The partition for a record of `topic` with `key`.
    public func partition(
        topic: String, key: [UInt8]?, partitionCount: Int, availablePartitions: @autoclosure () -> [Int32]
    ) -> Int32 {
        precondition(partitionCount > 0, "a topic has at least one partition")
        if let key {
            return Self.partition(forKey: key, partitionCount: partitionCount)
        }
        return sticky.withLock { sticky in
            if let current = sticky[topic], Int(current) < partitionCount { return current }
            let chosen = Self.pickNew(excluding: nil, partitionCount: partitionCount, available: availablePartitions())
            sticky[topic] = chosen
            return chosen
        }
    }

    /// What a keyed record maps to: the same as Kafka's Java producer.
    public static func partition(forKey key: [UInt8], partitionCount: Int) -> Int32 {
        Murmur2.toPositive(Murmur2.hash(key)) % Int32(partitionCount)
    }

    /// Called when the batch keyless records of `topic` were filling on `previous` is closed
    /// (Kafka's `Partitioner.onNewBatch`): the next keyless record goes elsewhere.
    public func onNewBatch(topic: String, previous: Int32, partitionCount: Int, availablePartitions: [Int32]) {
        sticky.withLock { sticky in
            guard sticky[topic] == previous else { return }
            sticky[topic] = Self.pickNew(excluding: previous, partitionCount: partitionCount, available: availablePartitions)
        }
    }

    /// A random partition among the available ones other than `excluding` (any partition when none
    /// is available, as Kafka does).
    static func pickNew(excluding: Int32?, partitionCount: Int, available: [Int32]) -> Int32 {
        let pool = available.isEmpty ? Array(0..<Int32(partitionCount)) : available
        if pool.count == 1 { return pool[0] }
        let candidates = pool.filter { $0 != excluding }
        return candidates.randomElement() ?? pool[0]
    }
}
