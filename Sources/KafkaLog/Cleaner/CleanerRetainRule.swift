/// The decision of Kafka's `Cleaner.shouldRetainRecord` and the delete horizon of `Cleaner.doClean`.
public enum CleanerRetainRule {
    /// A record survives cleaning when it lies beyond the map, or when it has a key, its offset is at least the latest the map
    /// knows for that key (a key the map does not hold — beyond the map — counts as latest), and
    /// it has a value or is a tombstone that may not be deleted yet (`retainDeletes`).
    /// Kafka 2.8 drops records without a key from a compacted log.
    public static func shouldRetain(
        key: [UInt8]?, hasValue: Bool, offset: Int64, map: OffsetMap, retainDeletes: Bool
    ) -> Bool {
        // Beyond the map (the map filled up before reaching this record): not examined yet, kept.
        if offset > map.latestOffset { return true }
        guard let key else { return false }
        let latestOffsetForKey = offset >= map.get(key)
        return latestOffsetForKey && (hasValue || retainDeletes)
    }

    /// Kafka's `deleteHorizonMs`: the last-modified time of the last segment of the already-cleaned
    /// section (offsets below the first dirty offset) minus `delete.retention.ms`; 0 when nothing has
    /// been cleaned yet (so every tombstone is kept on a first pass).
    public static func deleteHorizonMs(lastCleanSegmentLastModifiedMs: Int64?, deleteRetentionMs: Int64) -> Int64 {
        guard let lastModified = lastCleanSegmentLastModifiedMs else { return 0 }
        return lastModified - deleteRetentionMs
    }

    /// Tombstones in a segment are kept while the segment was modified after the horizon
    /// (Kafka: `currentSegment.lastModified > deleteHorizonMs`).
    public static func retainDeletes(segmentLastModifiedMs: Int64, deleteHorizonMs: Int64) -> Bool {
        segmentLastModifiedMs > deleteHorizonMs
    }
}
