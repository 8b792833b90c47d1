import KafkaProtocol

/// The bytes of a `__cluster_metadata` snapshot (the state machine's data handed to the Raft core's
/// `createSnapshot`): every record needed to rebuild the image, each framed by ``MetadataRecordSerde``
/// and preceded by its length as a 4-byte big-endian integer. Kafka 3.3's snapshots are record
/// batches with SnapshotHeader/Footer control records; the Raft layer here stores opaque bytes
/// (docs/kraft.md), so the framing is this simpler one.
public enum MetadataSnapshotRecords {
    public static func encode(_ records: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = []
        for record in records {
            let count = UInt32(record.count)
            bytes += [UInt8(count >> 24), UInt8(truncatingIfNeeded: count >> 16), UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)]
            bytes += record
        }
        return bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(KafkaProtocolError) -> [[UInt8]] {
        var records: [[UInt8]] = []
        var index = 0
        while index < bytes.count {
            guard index + 4 <= bytes.count else {
                throw KafkaProtocolError(.invalidValue("a snapshot record length cut short at byte \(index)"), field: "MetadataSnapshotRecords")
            }
            let count = Int(bytes[index]) << 24 | Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            index += 4
            guard index + count <= bytes.count else {
                throw KafkaProtocolError(
                    .invalidValue("a snapshot record of \(count) bytes at byte \(index) runs past the end (\(bytes.count))"),
                    field: "MetadataSnapshotRecords")
            }
            records.append(Array(bytes[index..<index + count]))
            index += count
        }
        return records
    }
}
