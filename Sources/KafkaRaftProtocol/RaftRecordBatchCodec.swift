import KafkaProtocol
import KafkaRaft
import NIOCore

/// How a `RaftRecord` looks in `__cluster_metadata-0`: one magic-2 record batch per record, whose
/// `partitionLeaderEpoch` is the record's epoch. A LeaderChange record is a control batch whose
/// key is `(version 0, type 2 = LEADER_CHANGE)` and whose value is a `LeaderChangeMessage` v0.
public enum RaftRecordBatchCodec {
    /// `ControlRecordType.LEADER_CHANGE`.
    static let leaderChangeControlType: Int16 = 2

    public static func encode(_ record: RaftRecord, offset: Int64) -> [UInt8] {
        var attributes = RecordBatchAttributes()
        let kafkaRecord: Record
        switch record.payload {
        case .leaderChange(let leaderId, let voters):
            attributes.isControl = true
            var key = ByteBuffer()
            key.writeInteger(Int16(0))
            key.writeInteger(leaderChangeControlType)
            kafkaRecord = Record(key: Array(key.readableBytesView), value: encodeLeaderChange(leaderId: leaderId, voters: voters))
        case .data(let bytes):
            kafkaRecord = Record(value: bytes)
        }
        let batch = RecordBatch(
            header: RecordBatchHeader(
                baseOffset: offset, partitionLeaderEpoch: record.epoch, attributes: attributes, baseTimestamp: 0,
                maxTimestamp: 0),
            records: [kafkaRecord])
        var buffer = ByteBuffer()
        // Uncompressed batches cannot fail to encode.
        try! batch.encode(into: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// Decodes the batch at the start of `bytes`; nil when the bytes end before it does or its CRC
    /// fails (a torn write at the tail).
    public static func decode(_ bytes: ArraySlice<UInt8>) -> (offset: Int64, record: RaftRecord, size: Int)? {
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
