import KafkaProtocol
import KafkaRaft
import NIOCore

/// How a `RaftRecord` looks in `__cluster_metadata-0`: one magic-2 record batch per record, whose
/// `partitionLeaderEpoch` is the record's epoch. A LeaderChange record is a control batch whose
/// key is `(version 0, type 2 = LEADER_CHANGE)` and whose value is a `LeaderChangeMessage` v0.
public enum RaftRecordBatchCodec {
    /// `ControlRecordType.LEADER_CHANGE`.
    static let leaderChangeControlType: Int16 = 2

    /// The batch's bytes, written directly: the same bytes as `RecordBatch.encode` of a one-record, uncompressed
    /// batch (the codec tests compare the two), without its intermediate buffers. Every metadata record is encoded
    /// once for the log file and once per Fetch that carries it, on the Raft queue and the network threads; the
    /// general encoder made a 10,000-record operation cost seconds of CPU in a debug build (half of the controller
    /// processes' CPU in a profile), enough for followers to miss their fetch timeout on a loaded machine.
    public static func encode(_ record: RaftRecord, offset: Int64) -> [UInt8] {
        var attributes = RecordBatchAttributes()
        let key: [UInt8]?
        let value: [UInt8]
        switch record.payload {
        case .leaderChange(let leaderId, let voters):
            attributes.isControl = true
            key = [0, 0, UInt8(leaderChangeControlType >> 8), UInt8(leaderChangeControlType & 0xFF)]
            value = encodeLeaderChange(leaderId: leaderId, voters: voters)
        case .data(let bytes):
            key = nil
            value = bytes
        }
        // The record: attributes, timestampDelta 0, offsetDelta 0, key, value, no headers.
        var body: [UInt8] = [0, 0, 0]
        body.reserveCapacity(value.count + (key?.count ?? 0) + 16)
        appendVarint(Int64(key?.count ?? -1), to: &body)
        if let key { body += key }
        appendVarint(Int64(value.count), to: &body)
        body += value
        appendVarint(0, to: &body)

        var bytes: [UInt8] = []
        let recordLengthSize = varintSize(Int64(body.count))
        bytes.reserveCapacity(RecordBatchHeader.size + recordLengthSize + body.count)
        appendBigEndian(UInt64(bitPattern: offset), bytes: 8, to: &bytes)
        let batchLength = RecordBatchHeader.size - RecordBatchHeader.logOverhead + recordLengthSize + body.count
        appendBigEndian(UInt64(batchLength), bytes: 4, to: &bytes)
        appendBigEndian(UInt64(UInt32(bitPattern: record.epoch)), bytes: 4, to: &bytes)
        bytes.append(2)  // magic
        bytes += [0, 0, 0, 0]  // CRC, filled in below
        appendBigEndian(UInt64(UInt16(bitPattern: attributes.rawValue)), bytes: 2, to: &bytes)
        bytes += [0, 0, 0, 0]  // lastOffsetDelta
        bytes += [UInt8](repeating: 0, count: 16)  // baseTimestamp, maxTimestamp
        bytes += [UInt8](repeating: 0xFF, count: 14)  // producerId -1, producerEpoch -1, baseSequence -1
        bytes += [0, 0, 0, 1]  // one record
        appendVarint(Int64(body.count), to: &bytes)
        bytes += body
        let crc = bytes.withUnsafeBytes {
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[RecordBatchHeader.crcCoverageStart...]))
        }
        for index in 0..<4 { bytes[17 + index] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * UInt32(index))) }
        return bytes
    }

    private static func appendBigEndian(_ value: UInt64, bytes count: Int, to bytes: inout [UInt8]) {
        for index in stride(from: count - 1, through: 0, by: -1) {
            bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))))
        }
    }

    /// A zig-zag varint (Kafka's `ByteUtils.writeVarint` / `writeVarlong`).
    private static func appendVarint(_ value: Int64, to bytes: inout [UInt8]) {
        var v = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private static func varintSize(_ value: Int64) -> Int {
        var v = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        var size = 1
        while v >= 0x80 {
            v >>= 7
            size += 1
        }
        return size
    }

    /// Decodes the batch at the start of `bytes`; nil when the bytes end before it does or its CRC
    /// fails (a torn write at the tail). The one-record, uncompressed batches this codec writes are read directly
    /// (every Fetch response a follower or observer gets is read here, on its network thread); anything else goes
    /// through the general `RecordBatch` decoder.
    public static func decode(_ bytes: ArraySlice<UInt8>) -> (offset: Int64, record: RaftRecord, size: Int)? {
        if let direct = decodeOwnBatch(bytes) { return direct }
        return decodeGeneral(bytes)
    }

    /// The direct reader: nil (and the general decoder decides) unless the batch is complete, its CRC holds, and it
    /// is uncompressed with exactly one record.
    static func decodeOwnBatch(_ bytes: ArraySlice<UInt8>) -> (offset: Int64, record: RaftRecord, size: Int)? {
        let start = bytes.startIndex
        guard bytes.count >= RecordBatchHeader.size else { return nil }
        func integer(at offset: Int, width: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in 0..<width { value = value << 8 | UInt64(bytes[start + offset + index]) }
            return value
        }
        let baseOffset = Int64(bitPattern: integer(at: 0, width: 8))
        let batchLength = Int(Int32(bitPattern: UInt32(integer(at: 8, width: 4))))
        let total = batchLength + RecordBatchHeader.logOverhead
        guard batchLength >= RecordBatchHeader.size - RecordBatchHeader.logOverhead, total <= bytes.count,
            bytes[start + 16] == 2
        else { return nil }
        let epoch = Int32(bitPattern: UInt32(integer(at: 12, width: 4)))
        let storedCRC = UInt32(integer(at: 17, width: 4))
        let attributes = RecordBatchAttributes(rawValue: Int16(bitPattern: UInt16(integer(at: 21, width: 2))))
        guard attributes.compressionBits == 0, integer(at: 57, width: 4) == 1 else { return nil }
        let crc = bytes.withUnsafeBytes {
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[RecordBatchHeader.crcCoverageStart..<total]))
        }
        guard crc == storedCRC else { return nil }
        // The record: length, attributes, timestampDelta, offsetDelta, key, value (headers are not read).
        var position = start + RecordBatchHeader.size
        let end = start + total
        func varint() -> Int64? {
            var raw: UInt64 = 0
            var shift: UInt64 = 0
            while position < end, shift < 64 {
                let byte = bytes[position]
                position += 1
                raw |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1) }
                shift += 7
            }
            return nil
        }
        func field() -> ArraySlice<UInt8>?? {
            guard let length = varint() else { return nil }
            if length < 0 { return .some(nil) }
            guard length <= end - position else { return nil }
            defer { position += Int(length) }
            return .some(bytes[position..<position + Int(length)])
        }
        guard varint() != nil, position < end else { return nil }
        position += 1  // record attributes
        guard varint() != nil, varint() != nil, let key = field(), let value = field(), let value else { return nil }
        let payload: RaftRecord.Payload
        if attributes.isControl {
            guard let key, key.count == 4, Int16(key[key.startIndex + 2]) << 8 | Int16(key[key.startIndex + 3]) == leaderChangeControlType,
                let (leaderId, voters) = decodeLeaderChange(Array(value))
            else { return nil }
            payload = .leaderChange(leaderId: leaderId, voters: voters)
        } else {
            payload = .data(Array(value))
        }
        return (baseOffset, RaftRecord(epoch: epoch, payload: payload), total)
    }

    static func decodeGeneral(_ bytes: ArraySlice<UInt8>) -> (offset: Int64, record: RaftRecord, size: Int)? {
        var buffer = ByteBuffer(bytes: bytes)
        guard let batch = try? RecordBatch(from: &buffer), let first = batch.records.first else { return nil }
        let size = bytes.count - buffer.readableBytes
        let payload: RaftRecord.Payload
        if batch.header.attributes.isControl {
            guard let value = first.value, let (leaderId, voters) = decodeLeaderChange(value) else { return nil }
            payload = .leaderChange(leaderId: leaderId, voters: voters)
        } else {
            payload = .data(first.value ?? [])
        }
        return (batch.header.baseOffset, RaftRecord(epoch: batch.header.partitionLeaderEpoch, payload: payload), size)
    }

    /// `LeaderChangeMessage` v0 (flexible): Version, LeaderId, Voters, GrantingVoters (left empty:
    /// the core does not keep who granted), each struct and the message ending in empty tagged fields.
    static func encodeLeaderChange(leaderId: Int32, voters: [Int32]) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeInteger(Int16(0))
        buffer.writeInteger(leaderId)
        buffer.writeInteger(UInt8(voters.count + 1))
        for voter in voters {
            buffer.writeInteger(voter)
            buffer.writeInteger(UInt8(0))
        }
        buffer.writeInteger(UInt8(1))
        buffer.writeInteger(UInt8(0))
        return Array(buffer.readableBytesView)
    }

    static func decodeLeaderChange(_ bytes: [UInt8]) -> (Int32, [Int32])? {
        var buffer = ByteBuffer(bytes: bytes)
        guard let _ = buffer.readInteger(as: Int16.self), let leaderId = buffer.readInteger(as: Int32.self),
            let countPlusOne = buffer.readInteger(as: UInt8.self), countPlusOne > 0
        else { return nil }
        var voters: [Int32] = []
        for _ in 0..<Int(countPlusOne - 1) {
            guard let voter = buffer.readInteger(as: Int32.self), buffer.readInteger(as: UInt8.self) == 0 else { return nil }
            voters.append(voter)
        }
        return (leaderId, voters)
    }
}
