import KafkaProtocol
import KafkaRaft
import NIOCore
import Testing

@testable import KafkaRaftProtocol

/// `RaftRecordBatchCodec.encode` writes the batch bytes directly (it runs once per record per Fetch); they must be
/// exactly what the general `RecordBatch` encoder gives for the same one-record batch, and decode back.
@Suite(.tags(.unit)) struct RaftRecordBatchEncodingTests {
    static func viaRecordBatch(_ record: RaftRecord, offset: Int64) throws -> [UInt8] {
        var attributes = RecordBatchAttributes()
        let kafkaRecord: Record
        switch record.payload {
        case .leaderChange(let leaderId, let voters):
            attributes.isControl = true
            var value = ByteBuffer()
            value.writeInteger(Int16(0))
            value.writeInteger(leaderId)
            value.writeInteger(UInt8(voters.count + 1))
            for voter in voters {
                value.writeInteger(voter)
                value.writeInteger(UInt8(0))
            }
            value.writeInteger(UInt8(1))
            value.writeInteger(UInt8(0))
            kafkaRecord = Record(key: [0, 0, 0, 2], value: Array(value.readableBytesView))
        case .data(let bytes):
            kafkaRecord = Record(value: bytes)
        }
        let batch = RecordBatch(
            header: RecordBatchHeader(
                baseOffset: offset, partitionLeaderEpoch: record.epoch, attributes: attributes, baseTimestamp: 0, maxTimestamp: 0),
            records: [kafkaRecord])
        var buffer = ByteBuffer()
        try batch.encode(into: &buffer)
        return Array(buffer.readableBytesView)
    }

    static let samples: [(RaftRecord, Int64)] = [
        (RaftRecord(epoch: 1, payload: .data([])), 0),
        (RaftRecord(epoch: 3, payload: .data([1, 2, 3])), 7),
        (RaftRecord(epoch: 70_000, payload: .data([UInt8](repeating: 0xAB, count: 300))), 1 << 40),
        (RaftRecord(epoch: 2, payload: .data((0..<20_000).map { UInt8(truncatingIfNeeded: $0) })), 123_456),
        (RaftRecord(epoch: 5, payload: .leaderChange(leaderId: 3001, voters: [3001, 3002, 3003])), 42),
        (RaftRecord(epoch: 1, payload: .leaderChange(leaderId: 1, voters: [])), 0),
    ]

    @Test func directEncoding_equalsTheGeneralRecordBatchEncoder_andDecodesBack() throws {
        for (record, offset) in Self.samples {
            let direct = RaftRecordBatchCodec.encode(record, offset: offset)
            #expect(direct == (try Self.viaRecordBatch(record, offset: offset)), "epoch \(record.epoch) offset \(offset)")
            let decoded = try #require(RaftRecordBatchCodec.decode(direct[...]))
            #expect(decoded.offset == offset && decoded.record == record && decoded.size == direct.count)
        }
    }
}

/// The direct reader gives what the general `RecordBatch` decoder gives, and refuses torn and corrupt batches.
@Suite(.tags(.unit)) struct RaftRecordBatchDecodingTests {
    @Test func directDecoding_equalsTheGeneralDecoder_andRefusesTornOrCorruptBatches() throws {
        for (record, offset) in RaftRecordBatchEncodingTests.samples {
            let bytes = RaftRecordBatchCodec.encode(record, offset: offset)
            let direct = try #require(RaftRecordBatchCodec.decodeOwnBatch(bytes[...]))
            let general = try #require(RaftRecordBatchCodec.decodeGeneral(bytes[...]))
            #expect(direct.offset == general.offset)
            #expect(direct.record == general.record)
            #expect(direct.size == general.size)
            // Followed by more bytes (the next batch): only this batch is read.
            let padded = bytes + [1, 2, 3]
            #expect(RaftRecordBatchCodec.decode(padded[...])?.size == bytes.count)
            // Read from the middle of a larger array (an ArraySlice not starting at 0).
            let shifted = [9, 9] + bytes
            #expect(RaftRecordBatchCodec.decode(shifted[2...])?.record == record)
            // Torn anywhere, or one byte flipped anywhere: refused by both.
            for cut in [1, RecordBatchHeader.size - 1, RecordBatchHeader.size, bytes.count - 1] where cut < bytes.count {
                #expect(RaftRecordBatchCodec.decode(bytes[..<cut]) == nil, "cut at \(cut)")
            }
            for flip in stride(from: RecordBatchHeader.crcCoverageStart, to: bytes.count, by: max(1, bytes.count / 17)) {
                var corrupt = bytes
                corrupt[flip] ^= 0x40
                #expect(RaftRecordBatchCodec.decode(corrupt[...]) == nil, "flip at \(flip)")
            }
        }
    }
}
