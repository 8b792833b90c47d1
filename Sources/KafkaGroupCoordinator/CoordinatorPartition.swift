/// Which `__consumer_offsets` partition owns a group (Kafka's `GroupMetadataManager.partitionFor`):
/// `Utils.abs(groupId.hashCode) % offsets.topic.num.partitions`, with Java's `String.hashCode`
/// over UTF-16 code units and `Utils.abs` mapping Int.MinValue to 0.
public enum CoordinatorPartition {
    public static func javaStringHashCode(_ string: String) -> Int32 {
        var hash: Int32 = 0
        for unit in string.utf16 { hash = hash &* 31 &+ Int32(unit) }
        return hash
    }

    public static func partition(for groupId: String, partitionCount: Int32) -> Int32 {
        precondition(partitionCount > 0, "offsets.topic.num.partitions must be positive")
        let hash = javaStringHashCode(groupId)
        // Kafka's Utils.abs is `n & 0x7fffffff`, not Math.abs (which leaves Int.MinValue negative).
        return (hash & 0x7fff_ffff) % partitionCount
    }
}
