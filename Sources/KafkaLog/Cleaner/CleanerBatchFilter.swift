import KafkaProtocol

/// Kafka's `MemoryRecords.filterTo` as the cleaner uses it, on one decoded batch: the retained
/// records keep their offsets (the batch keeps its base offset and last offset delta), headers,
/// timestamps, leader epoch, producer fields and codec.
public enum CleanerBatchFilter {
    public enum Outcome: Sendable, Equatable {
        /// Every record is retained: the original bytes are written unchanged.
        case keepOriginal
        /// No record is retained: the batch is dropped (Kafka would keep an idempotent producer's
        /// last batch; there is no idempotence here).
        case drop
        /// Some records are retained in this rebuilt batch (to be re-encoded with the same codec).
        case rewritten(RecordBatch)
    }

    public static func filter(_ batch: RecordBatch, map: OffsetMap, retainDeletes: Bool) -> Outcome {
        // Control batches belong to transactions, which ZKafka does not have; they are left alone.
        if batch.header.attributes.isControl { return .keepOriginal }
        let base = batch.header.baseOffset
        let retained = batch.records.filter { record in
            CleanerRetainRule.shouldRetain(
                key: record.key, hasValue: record.value != nil, offset: base + Int64(record.offsetDelta), map: map,
                retainDeletes: retainDeletes)
        }
        if retained.count == batch.records.count { return .keepOriginal }
        if retained.isEmpty { return .drop }
        var header = batch.header
        var records = retained
        if header.attributes.timestampType == .createTime {
            // MemoryRecordsBuilder: the first retained record's timestamp becomes the base, the
            // largest retained one the max timestamp.
            let timestamps = retained.map { header.baseTimestamp + $0.timestampDelta }
            let newBase = timestamps[0]
            for i in records.indices { records[i].timestampDelta = timestamps[i] - newBase }
            header.baseTimestamp = newBase
            header.maxTimestamp = timestamps.max()!
        }
        return .rewritten(RecordBatch(header: header, records: records))
    }
}
