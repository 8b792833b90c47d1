import NIOCore
import SeededRandom
import Testing

@testable import KafkaProtocol

@Suite(.tags(.unit)) struct RecordsTests {
    // MARK: CRC known answers

    @Test func crc32c_knownAnswers() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum([]) == 0)
        // Every length 0…64 agrees with a bit-at-a-time reference (covers the slicing-by-8 tail paths).
        let data = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for n in 0...64 {
            #expect(CRC32C.checksum(Array(data[0..<n])) == bitwiseCRC32C(Array(data[0..<n])))
        }
    }

    @Test func crc32_ieee_knownAnswer() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    private func bitwiseCRC32C(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    // MARK: Batches from kafka-python

    @Test func recordBatch_kafkaPythonSingleRecord() throws {
        var bytes = try Fixtures.load("records_v2_single")
        let original = bytes
        let batch = try RecordBatch(from: &bytes)
        #expect(bytes.readableBytes == 0)
        #expect(batch.header.crc == 0xE99B_8DD8)
        #expect(batch.header.batchLength == 58)
        #expect(batch.header.baseTimestamp == 1_700_000_000_000)
        #expect(batch.header.producerId == -1)
        #expect(batch.records == [Record(key: Array("k".utf8), value: Array("v".utf8))])
        #expect(try batch.encoded() == original)
    }

    @Test func recordBatch_headersAndNulls_reencodeIdentically() throws {
        var bytes = try Fixtures.load("records_v2_headers")
        let original = bytes
        let batch = try RecordBatch(from: &bytes)
        #expect(batch.records.count == 3)
        #expect(batch.records[0].key == nil)
        #expect(batch.records[1].value == nil)
        #expect(batch.records[2].timestampDelta == 2)
        #expect(batch.records[2].offsetDelta == 2)
        #expect(batch.header.lastOffsetDelta == 2)
        #expect(try batch.encoded() == original)
    }

    @Test func recordBatch_gzipFromKafkaPython_decompresses() throws {
        var bytes = try Fixtures.load("records_v2_gzip")
        let batch = try RecordBatch(from: &bytes)
        #expect(batch.header.attributes.compression == .gzip)
        #expect(batch.records.count == 20)
        #expect(batch.records[3].value == Array(String(repeating: "m3", count: 10).utf8))
        // Our gzip output decodes back (bytes differ: gzip headers/levels are not canonical).
        var ours = try batch.encoded()
        let again = try RecordBatch(from: &ours)
        #expect(again.records == batch.records)
    }

    @Test func recordBatch_builder_roundTrips_allSupportedCodecs() throws {
        for codec in [CompressionCodec.none, .gzip] {
            let built = RecordBatch(
                baseTimestamp: 1000, compression: codec,
                records: (0..<50).map { i in
                    (key: i % 3 == 0 ? nil : Array("key-\(i)".utf8), value: Array(repeating: UInt8(i), count: i * 7),
                     headers: i % 5 == 0 ? [RecordHeader(key: "h", value: [1])] : [], timestamp: 1000 + Int64(i))
                })
            var bytes = try built.encoded()
            var viewBytes = bytes
            let view = try RecordBatchView(from: &viewBytes)
            try view.validate(requireDecompressible: true)
            let decoded = try RecordBatch(from: &bytes)
            #expect(decoded.records == built.records)
            #expect(decoded.header.maxTimestamp == 1049)
            #expect(decoded.header.recordCount == 50)
        }
    }

    @Test func recordBatch_badCRC_isCorruptMessage() throws {
        var bytes = try Fixtures.load("records_v2_single")
        bytes.setInteger(UInt8(0x77), at: bytes.writerIndex - 2)  // flip a value byte
        let outcome = ProduceRecordsValidator.validate(records: bytes, produceVersion: 7)
        guard case .rejected(let code, let error) = outcome else {
            Issue.record("corrupt batch accepted")
            return
        }
        #expect(code == .corruptMessage)
        #expect(error.kind == .crcMismatch(expected: 0xE99B_8DD8, computed: CRC32C.checksum(
            bytes.getSlice(at: 21, length: bytes.readableBytes - 21)!)))
    }

    @Test func recordBatch_baseOffsetRewrite_keepsCRCValid() throws {
        var bytes = try Fixtures.load("records_v2_single")
        var view = try RecordBatchView(from: &bytes)
        view.setBaseOffset(1234)
        view.setPartitionLeaderEpoch(5)
        try view.validate()
        #expect(try view.decode().header.baseOffset == 1234)
        #expect(view.header.lastOffset == 1234)
    }

    @Test func recordBatch_corruptSnappyPayload_isCorruptMessage_undefinedCodec_isUnsupported() throws {
        // Codec bits say snappy, the payload is not: stored as sent when not decompressed, refused when it must be.
        var snappy = try RecordBatch(baseTimestamp: 0, records: [(key: nil, value: [1], headers: [], timestamp: 0)]).encoded()
        snappy.setInteger(Int16(2), at: 21)
        let crc = CRC32C.checksum(snappy.getSlice(at: 21, length: snappy.readableBytes - 21)!)
        snappy.setInteger(crc, at: 17)
        var snappyCopy = snappy
        #expect(throws: KafkaProtocolError.self) { _ = try RecordBatch(from: &snappyCopy) }
        guard case .rejected(let code, _) = ProduceRecordsValidator.validate(
            records: snappy, produceVersion: 7, policy: LogValidationPolicy(), nowMs: 0)
        else {
            Issue.record("a corrupt snappy payload was accepted")
            return
        }
        #expect(code == .corruptMessage)
        // Codec 7 is undefined.
        snappy.setInteger(Int16(7), at: 21)
        snappy.setInteger(CRC32C.checksum(snappy.getSlice(at: 21, length: snappy.readableBytes - 21)!), at: 17)
        guard case .rejected(let code7, _) = ProduceRecordsValidator.validate(records: snappy, produceVersion: 7) else {
            Issue.record("codec 7 accepted")
            return
        }
        #expect(code7 == .unsupportedCompressionType)
    }

    @Test func produceValidation_v3_requiresExactlyOneBatch() throws {
        var two = try Fixtures.load("records_v2_single")
        var second = try Fixtures.load("records_v2_single")
        two.writeBuffer(&second)
        guard case .rejected(let code, _) = ProduceRecordsValidator.validate(records: two, produceVersion: 7) else {
            Issue.record("two batches accepted")
            return
        }
        #expect(code == .invalidRecord)
        guard case .rejected(let nullCode, _) = ProduceRecordsValidator.validate(records: nil, produceVersion: 7) else {
            Issue.record("null records accepted")
            return
        }
        #expect(nullCode == .invalidRecord)
    }

    // MARK: Legacy message sets (kafka-python magic 0/1)

    @Test func legacyMessageSets_fromKafkaPython_decodeAndConvert() throws {
        let v0 = try LegacyMessageSet.decode(try Fixtures.load("records_v0"))
        #expect(v0.map(\.value) == [Array("v0-a".utf8), Array("v0-b".utf8)])
        #expect(v0.map(\.key) == [nil, Array("k".utf8)])
        #expect(v0[0].timestamp == nil)
        let v1 = try LegacyMessageSet.decode(try Fixtures.load("records_v1"))
        #expect(v1.map(\.timestamp) == [1_700_000_000_000, 1_700_000_000_001])
        #expect(v1.map(\.offset) == [0, 1])
        for name in ["records_v0_gzip", "records_v1_gzip"] {
            let messages = try LegacyMessageSet.decode(try Fixtures.load(name))
            #expect(messages.map(\.value) == (0..<5).map { Array("\(name.contains("v0") ? "v0" : "v1")-gz-\($0)".utf8) })
            #expect(messages.map(\.offset) == [0, 1, 2, 3, 4])
        }
        let batch = LegacyMessageSet.convertToRecordBatch(v1)
        var encoded = try batch.encoded()
        let back = try RecordBatch(from: &encoded)
        #expect(back.records.map(\.value) == v1.map(\.value))
        #expect(back.header.baseTimestamp + back.records[1].timestampDelta == 1_700_000_000_001)
    }

    @Test func legacyMessage_encodeMatchesKafkaPython() throws {
        let original = try Fixtures.load("records_v1")
        var out = ByteBuffer()
        for message in try LegacyMessageSet.decode(original) { message.encode(into: &out) }
        #expect(out == original)
    }

    @Test func legacyMessage_badCRC_rejectedAsCorrupt() throws {
        var bytes = try Fixtures.load("records_v0")
        bytes.setInteger(UInt8(0x41), at: bytes.writerIndex - 1)
        guard case .rejected(let code, _) = ProduceRecordsValidator.validate(records: bytes, produceVersion: 2) else {
            Issue.record("corrupt legacy message accepted")
            return
        }
        #expect(code == .corruptMessage)
    }

    // MARK: Robustness

    @Test func recordDecoders_truncatedAndRandom_throwNeverTrap() throws {
        for name in ["records_v2_single", "records_v2_headers", "records_v2_gzip", "records_v1", "records_v1_gzip"] {
            let full = try Fixtures.load(name)
            for length in 0..<full.readableBytes {
                let prefix = full.getSlice(at: 0, length: length)!
                _ = ProduceRecordsValidator.validate(records: prefix, produceVersion: name.contains("v2") ? 7 : 2)
                var b = prefix
                #expect(throws: KafkaProtocolError.self) { _ = try RecordBatch(from: &b, verifyCRC: false) }
            }
        }
        var rng = SplitMix64(seed: 7)
        let base = Array(try Fixtures.load("records_v2_headers").readableBytesView)
        for _ in 0..<2000 {
            var bytes = base
            for _ in 0..<2 { bytes[Int.random(in: 61..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            var b = ByteBuffer(bytes: bytes)
            _ = try? RecordBatch(from: &b, verifyCRC: false)
        }
    }

    @Test func gzip_decompressionBomb_isBounded() throws {
        let big = ByteBuffer(repeating: 0, count: 1 << 20)
        let compressed = try Compression.compress(big, codec: .gzip)
        #expect(throws: KafkaProtocolError.self) {
            _ = try Compression.decompress(compressed, codec: .gzip, maxBytes: 1000)
        }
        #expect(try Compression.decompress(compressed, codec: .gzip).readableBytes == 1 << 20)
        #expect(throws: KafkaProtocolError.self) {
            _ = try Compression.decompress(ByteBuffer(bytes: [0x1f, 0x8b, 8, 0, 1, 2]), codec: .gzip)
        }
    }
}

