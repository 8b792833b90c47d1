import NIOCore
import Testing

@testable import KafkaProtocol

@Suite(.tags(.unit)) struct LogValidatorTests {
    func batch(
        codec: CompressionCodec = .none, keys: [String?] = ["k0", "k1", "k2"], timestamp: Int64 = 1_000_000,
        edit: (inout ByteBuffer) -> Void = { _ in }
    ) throws -> RecordBatchView {
        var bytes = try RecordBatch(
            baseTimestamp: timestamp, compression: codec,
            records: keys.map { (key: $0.map { Array($0.utf8) }, value: Array("v".utf8), headers: [], timestamp: timestamp) }
        ).encoded()
        edit(&bytes)
        let crc = CRC32C.checksum(bytes.getSlice(at: 21, length: bytes.readableBytes - 21)!)
        bytes.setInteger(crc, at: 17)
        return try RecordBatchView(from: &bytes)
    }

    func rejection(_ view: RecordBatchView, _ policy: LogValidationPolicy = .init(), now: Int64 = 1_000_000) -> LogValidator.Rejection? {
        var view = view
        do {
            try LogValidator.validate(&view, policy: policy, nowMs: now)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [CompressionCodec.none, .gzip, .snappy, .lz4, .zstd])
    func wellFormedBatch_accepted_everyCodec(codec: CompressionCodec) throws {
        #expect(rejection(try batch(codec: codec)) == nil)
    }

    /// lastOffsetDelta (offset 23) says 5 records, the count says 3: Kafka's "Inconsistent batch offset range".
    @Test func lastOffsetDelta_disagreeingWithTheCount_invalidRecord() throws {
        let view = try batch { $0.setInteger(Int32(4), at: 23) }
        #expect(rejection(view)?.code == .invalidRecord)
        #expect(rejection(view)?.message.contains("Inconsistent batch offset range") == true)
    }

    /// A count (offset 57) larger than the records present, with lastOffsetDelta to match: the records run out.
    @Test(arguments: [CompressionCodec.none, .zstd])
    func countBeyondTheRecords_corruptMessage(codec: CompressionCodec) throws {
        let view = try batch(codec: codec) {
            $0.setInteger(Int32(4), at: 23)
            $0.setInteger(Int32(5), at: 57)
        }
        #expect(rejection(view)?.code == .corruptMessage)
    }

    @Test func controlBatchFromAClient_invalidRecord() throws {
        let view = try batch { $0.setInteger(Int16(0x20), at: 21) }
        #expect(rejection(view)?.code == .invalidRecord)
    }

    @Test func compactedTopic_recordWithoutKey_invalidRecord() throws {
        let view = try batch(keys: ["a", nil])
        #expect(rejection(view, LogValidationPolicy(compacted: true))?.message == "Compacted topic cannot accept message without key")
        #expect(rejection(view) == nil)
    }

    @Test func createTimeTooFarFromNow_invalidTimestamp() throws {
        let policy = LogValidationPolicy(timestampType: .createTime, timestampDifferenceMaxMs: 60_000)
        #expect(rejection(try batch(timestamp: 1_000_000), policy, now: 1_030_000) == nil)
        #expect(rejection(try batch(timestamp: 1_000_000), policy, now: 2_000_000)?.code == .invalidTimestamp)
    }

    /// LogAppendTime: the batch is stamped with the broker's time and its CRC stays valid.
    @Test func logAppendTime_stampsTheBatch_crcStillValid() throws {
        var view = try batch(timestamp: 5)
        try LogValidator.validate(&view, policy: LogValidationPolicy(timestampType: .logAppendTime), nowMs: 1_234_567)
        try view.validate()
        #expect(view.header.attributes.timestampType == .logAppendTime)
        #expect(view.header.maxTimestamp == 1_234_567)
        var bytes = view.bytes
        let reread = try RecordBatchView(from: &bytes)
        #expect(reread.header.maxTimestamp == 1_234_567 && reread.header.attributes.timestampType == .logAppendTime)
    }
}
