import NIOCore

/// What a topic's configuration asks of the records appended to it (Kafka's `LogConfig` fields that
/// `LogValidator` reads).
public struct LogValidationPolicy: Sendable, Hashable {
    /// `message.timestamp.type`: CreateTime keeps the producer's timestamps (checked against the difference
    /// below), LogAppendTime has the broker stamp every batch with its append time.
    public var timestampType: RecordBatchAttributes.TimestampType
    /// `message.timestamp.difference.max.ms`: how far a CreateTime timestamp may be from the broker's clock.
    public var timestampDifferenceMaxMs: Int64
    /// `cleanup.policy` includes `compact`: every record needs a key.
    public var compacted: Bool

    public init(timestampType: RecordBatchAttributes.TimestampType = .createTime, timestampDifferenceMaxMs: Int64 = .max, compacted: Bool = false) {
        self.timestampType = timestampType
        self.timestampDifferenceMaxMs = timestampDifferenceMaxMs
        self.compacted = compacted
    }
}

/// Kafka 2.8's `LogValidator` for magic-2 batches from clients (`validateBatch`, `validateRecord`,
/// `validateTimestamp`), as a pure function over one batch: every record is parsed — decompressed first, whatever
/// the codec — before anything is stored, so a batch that lies about its records never reaches the log.
public enum LogValidator {
    public struct Rejection: Error, Sendable, Hashable, CustomStringConvertible {
        public var code: KafkaErrorCode
        public var message: String
        public var description: String { message }
    }

    /// Validates `batch` as the leader receives it from a producer and, for LogAppendTime topics, stamps it with
    /// `nowMs` (attributes bit 3 and MaxTimestamp, CRC recomputed), as Kafka's in-place assignment does.
    public static func validate(_ batch: inout RecordBatchView, policy: LogValidationPolicy, nowMs: Int64) throws(Rejection) {
        let header = batch.header
        // validateBatch: the offset range and the count must agree, and be positive.
        let countFromOffsets = Int64(header.lastOffsetDelta) + 1
        guard countFromOffsets > 0 else {
            throw Rejection(code: .invalidRecord, message: "Batch has an invalid offset range: [\(header.baseOffset), \(header.lastOffset)]")
        }
        guard header.recordCount > 0 else {
            throw Rejection(code: .invalidRecord, message: "Invalid reported count for record batch: \(header.recordCount)")
        }
        guard countFromOffsets == Int64(header.recordCount) else {
            throw Rejection(
                code: .invalidRecord,
                message: "Inconsistent batch offset range [\(header.baseOffset), \(header.lastOffset)] and count of records \(header.recordCount)")
        }
        guard !header.attributes.isControl else {
            throw Rejection(code: .invalidRecord, message: "Clients are not allowed to write control records")
        }
        if header.producerId >= 0 && header.baseSequence < 0 {
            throw Rejection(
                code: .invalidRecord,
                message: "Invalid sequence number \(header.baseSequence) in record batch with producerId \(header.producerId)")
        }
        // Every record, decompressed: a count that does not match, a truncated or trailing record, a bad varint.
        // Scanned in place (no per-record allocation): this runs for every produced batch.
        guard let codec = header.attributes.compression else {
            throw Rejection(code: .unsupportedCompressionType, message: "undefined compression codec \(header.attributes.compressionBits)")
        }
        var payload = batch.bytes.getSlice(
            at: batch.bytes.readerIndex + RecordBatchHeader.size, length: batch.bytes.readableBytes - RecordBatchHeader.size)!
        do {
            if codec != .none { payload = try Compression.decompress(payload, codec: codec) }
            for index in 0..<Int(header.recordCount) {
                let record = try RecordScan.next(&payload)
                if policy.compacted && !record.hasKey {
                    throw Rejection(code: .invalidRecord, message: "Compacted topic cannot accept message without key")
                }
                if record.offsetDelta != Int32(index) {
                    throw Rejection(
                        code: .invalidRecord, message: "Record \(index) of the batch has offset delta \(record.offsetDelta), expected \(index)")
                }
                if policy.timestampType == .createTime && policy.timestampDifferenceMaxMs < .max {
                    let timestamp = header.baseTimestamp &+ record.timestampDelta
                    if abs(timestamp &- nowMs) > policy.timestampDifferenceMaxMs {
                        throw Rejection(
                            code: .invalidTimestamp,
                            message: "Timestamp \(timestamp) of message with offset \(index) is out of range. The timestamp should be within "
                                + "[\(nowMs - policy.timestampDifferenceMaxMs), \(nowMs + policy.timestampDifferenceMaxMs)]")
                    }
                }
            }
        } catch let error as Rejection {
            throw error
        } catch let error as KafkaProtocolError {
            throw Rejection(code: error.errorCode == .invalidRequest ? .corruptMessage : error.errorCode, message: "\(error)")
        } catch {
            throw Rejection(code: .corruptMessage, message: "\(error)")
        }
        if payload.readableBytes != 0 {
            throw Rejection(
                code: .corruptMessage,
                message: "\(payload.readableBytes) bytes after the last of \(header.recordCount) records (the count is wrong)")
        }
        if policy.timestampType == .logAppendTime { batch.setLogAppendTime(nowMs) }
    }
}

extension RecordBatchView {
    /// Marks the batch LogAppendTime with `timestamp` as its MaxTimestamp and recomputes the CRC (both fields are
    /// covered by it): Kafka's `MutableRecordBatch.setMaxTimestamp(LOG_APPEND_TIME, now)`.
    public mutating func setLogAppendTime(_ timestamp: Int64) {
        var attributes = header.attributes
        attributes.timestampType = .logAppendTime
        setHeaderFields(attributes: attributes, maxTimestamp: timestamp)
    }
}

/// One record's fields the validator needs, read without copying its key, value or headers.
enum RecordScan {
    struct Fields {
        var timestampDelta: Int64
        var offsetDelta: Int32
        var hasKey: Bool
    }

    static func next(_ buffer: inout ByteBuffer) throws(KafkaProtocolError) -> Fields {
        let length = try buffer.readKafkaVarint(field: "Record.length")
        guard length >= 0 else { throw KafkaProtocolError(.negativeLength(Int64(length)), field: "Record.length") }
        guard var body = buffer.readSlice(length: Int(length)) else {
            throw KafkaProtocolError(.truncated(needed: Int(length), remaining: buffer.readableBytes), field: "Record")
        }
        _ = try body.readKafkaInt8(field: "Record.attributes")
        let timestampDelta = try body.readKafkaVarlong(field: "Record.timestampDelta")
        let offsetDelta = try body.readKafkaVarint(field: "Record.offsetDelta")
        let hasKey = try skipBytes(&body, field: "Record.key")
        _ = try skipBytes(&body, field: "Record.value")
        let headerCount = try body.readKafkaVarint(field: "Record.headerCount")
        guard headerCount >= 0, Int(headerCount) <= body.readableBytes else {
            throw KafkaProtocolError(.lengthTooLarge(Int64(headerCount), remaining: body.readableBytes), field: "Record.headers")
        }
        for _ in 0..<headerCount {
            guard try skipBytes(&body, field: "Record.headers.key") else {
                throw KafkaProtocolError(.negativeLength(-1), field: "Record.headers.key")
            }
            _ = try skipBytes(&body, field: "Record.headers.value")
        }
        if body.readableBytes != 0 {
            throw KafkaProtocolError(.invalidValue("\(body.readableBytes) bytes left inside the record"), field: "Record")
        }
        return Fields(timestampDelta: timestampDelta, offsetDelta: offsetDelta, hasKey: hasKey)
    }

    /// Skips a varint-length byte field; false when it was null (-1).
    private static func skipBytes(_ buffer: inout ByteBuffer, field: String) throws(KafkaProtocolError) -> Bool {
        let length = try buffer.readKafkaVarint(field: field)
        if length == -1 { return false }
        guard length >= 0 else { throw KafkaProtocolError(.negativeLength(Int64(length)), field: field) }
        guard buffer.readableBytes >= Int(length) else {
            throw KafkaProtocolError(.truncated(needed: Int(length), remaining: buffer.readableBytes), field: field)
        }
        buffer.moveReaderIndex(forwardBy: Int(length))
        return true
    }
}
