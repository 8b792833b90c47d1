/// One record as the producer saw it acknowledged, or as the consumer read it back.
public struct StoredRecord: Sendable, Hashable {
    public var partition: Int32
    public var offset: Int64
    public var value: String

    public init(partition: Int32, offset: Int64, value: String) {
        self.partition = partition
        self.offset = offset
        self.value = value
    }
}

/// What a chaos run proved about durability: every record acknowledged with acks=all must be read back at the
/// partition and offset it was acknowledged at. Duplicates (a retried send stored twice) are counted, not failed:
/// without idempotence Kafka promises at-least-once.
public struct ChaosVerdict: Sendable, Hashable {
    public var acknowledged: Int
    public var consumed: Int
    /// Acknowledged records found at their acknowledged partition and offset.
    public var foundAtOffset: Int
    /// Acknowledged records not there (absent, or another value at that offset): lost writes.
    public var missing: [StoredRecord]
    /// Values stored at more than one offset.
    public var duplicated: Int

    public var lostNothing: Bool { missing.isEmpty }

    public init(acknowledged: [StoredRecord], consumed: [StoredRecord]) {
        var byPosition: [PositionKey: String] = [:]
        byPosition.reserveCapacity(consumed.count)
        var occurrences: [String: Int] = [:]
        for record in consumed {
            byPosition[PositionKey(partition: record.partition, offset: record.offset)] = record.value
            occurrences[record.value, default: 0] += 1
        }
        self.acknowledged = acknowledged.count
        self.consumed = consumed.count
        missing = acknowledged.filter { byPosition[PositionKey(partition: $0.partition, offset: $0.offset)] != $0.value }
        foundAtOffset = acknowledged.count - missing.count
        duplicated = occurrences.values.filter { $0 > 1 }.count
    }

    private struct PositionKey: Hashable {
        var partition: Int32
        var offset: Int64
    }
}

/// Whether every replica of a partition holds the same log: the concatenated bytes of its segment files, which
/// followers copy batch for batch from the leader (segment boundaries may differ, so segments are not compared
/// one by one).
public enum ReplicaLogComparison {
    /// The brokers whose log differs from the first broker's (by id order); empty when all are identical.
    public static func divergent(_ logs: [Int: [UInt8]]) -> [Int] {
        guard let reference = logs.keys.min().flatMap({ logs[$0] }) else { return [] }
        return logs.filter { $0.value != reference }.map(\.key).sorted()
    }
}
