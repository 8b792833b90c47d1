import KafkaProtocol
import NIOCore

/// Turns one partition's Fetch record set into consumer records (Kafka's `CompletedFetch`):
/// magic-2 batches in order, skipping what lies before the fetch offset (a batch may start
/// earlier) and control batches, and stopping at a trailing partial batch, which the broker may
/// send when it cuts the response at the byte limit.
public enum FetchedRecordsDecoder {
    public struct Decoded: Sendable {
        public var records: [ConsumerRecord]
        /// Where the next fetch starts: one past the last whole batch (or `fetchOffset` if none).
        public var nextOffset: Int64
    }

    public static func decode(
        _ recordSet: ByteBuffer, topic: String, partition: Int32, fetchOffset: Int64, verifyCRC: Bool = true
    ) throws(KafkaClientError) -> Decoded {
        var buffer = recordSet
        var records: [ConsumerRecord] = []
        var nextOffset = fetchOffset
        while buffer.readableBytes >= RecordBatchHeader.logOverhead + 5 {
            let length = Int(buffer.getInteger(at: buffer.readerIndex + 8, as: Int32.self)!)
            guard buffer.readableBytes >= RecordBatchHeader.logOverhead + length else { break }
            let view: RecordBatchView
            do {
                view = try RecordBatchView(from: &buffer)
                if verifyCRC { try view.validate() }
            } catch {
                throw KafkaClientError.protocolError("\(topic)-\(partition): bad record batch near offset \(nextOffset): \(error)")
            }
            let header = view.header
            guard header.lastOffset >= fetchOffset else { continue }
            defer { nextOffset = max(nextOffset, header.lastOffset + 1) }
            if header.attributes.isControl { continue }
            let batch: RecordBatch
            do {
                batch = try view.decode()
            } catch {
                throw KafkaClientError.protocolError("\(topic)-\(partition): could not decode the batch at offset \(header.baseOffset): \(error)")
            }
            let logAppendTime = header.attributes.timestampType == .logAppendTime
            records.reserveCapacity(records.count + batch.records.count)
            for record in batch.records {
                let offset = header.baseOffset + Int64(record.offsetDelta)
                guard offset >= fetchOffset else { continue }
                records.append(
                    ConsumerRecord(
                        topic: topic, partition: partition, offset: offset,
                        timestamp: logAppendTime ? header.maxTimestamp : header.baseTimestamp + record.timestampDelta,
                        timestampType: logAppendTime ? .logAppendTime : .createTime, key: record.key, value: record.value,
                        headers: record.headers))
            }
        }
        return Decoded(records: records, nextOffset: nextOffset)
    }
}
