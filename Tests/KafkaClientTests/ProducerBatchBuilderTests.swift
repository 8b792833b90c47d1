import KafkaProtocol
import NIOCore
import Testing

@testable import KafkaClient

@Suite(.tags(.unit)) struct ProducerBatchBuilderTests {
    func sampleBatch() throws -> ByteBuffer {
        var builder = ProducerBatchBuilder()
        builder.append(key: Array("k1".utf8), value: Array("v1".utf8), timestamp: 1_000)
        builder.append(key: nil, value: Array("v2".utf8), headers: [RecordHeader(key: "h", value: [1, 2])], timestamp: 1_005)
        builder.append(key: Array("k3".utf8), value: nil, timestamp: 999)
        return try builder.build()
    }

    @Test func encodesAValidMagic2BatchThatDecodesBack() throws {
        var buffer = try sampleBatch()
        let view = try RecordBatchView(from: &buffer)
        #expect(buffer.readableBytes == 0)
        try view.validate()
        #expect(view.header.magic == 2)
        #expect(view.header.recordCount == 3)
        #expect(view.header.lastOffsetDelta == 2)
        #expect(view.header.baseTimestamp == 1_000)
        #expect(view.header.maxTimestamp == 1_005)
        #expect(view.header.producerId == -1)
        #expect(view.header.baseSequence == -1)
        let batch = try view.decode()
        #expect(batch.records.map(\.offsetDelta) == [0, 1, 2])
        #expect(batch.records.map(\.timestampDelta) == [0, 5, -1])
        #expect(batch.records[0].key == Array("k1".utf8))
        #expect(batch.records[1].key == nil)
        #expect(batch.records[1].headers == [RecordHeader(key: "h", value: [1, 2])])
        #expect(batch.records[2].value == nil)
    }

    @Test(arguments: [CompressionCodec.gzip, .snappy, .lz4, .zstd])
    func compressedBatchesDecodeBack(codec: CompressionCodec) throws {
        var builder = ProducerBatchBuilder(compression: codec)
        for index in 0..<100 { builder.append(key: nil, value: Array("value-\(index)".utf8), timestamp: 5) }
        var buffer = try builder.build()
        let view = try RecordBatchView(from: &buffer)
        try view.validate()
        #expect(view.header.attributes.compression == codec)
        #expect(try view.decode().records.map { String(decoding: $0.value!, as: UTF8.self) } == (0..<100).map { "value-\($0)" })
    }

    @Test func sizeEstimateIsAnUpperBound() throws {
        var builder = ProducerBatchBuilder()
        var estimate = RecordBatchHeader.size
        for index in 0..<50 {
            let value = [UInt8](repeating: UInt8(index), count: index * 3)
            estimate += ProducerBatchBuilder.estimatedSize(key: nil, value: value, headers: [])
            builder.append(key: nil, value: value, timestamp: Int64(index))
        }
        #expect(try builder.build().readableBytes <= estimate)
        #expect(builder.sizeInBytes == (try builder.build().readableBytes))
    }

    @Test func fetchedRecordsSkipWhatPrecedesTheFetchOffsetAndStopAtAPartialBatch() throws {
        var first = try RecordBatchView.batches(in: sampleBatch())[0]
        first.setBaseOffset(10)
        var second = try RecordBatchView.batches(in: sampleBatch())[0]
        second.setBaseOffset(13)
        var recordSet = ByteBuffer()
        var firstBytes = first.bytes
        var secondBytes = second.bytes
        recordSet.writeBuffer(&firstBytes)
        recordSet.writeBuffer(&secondBytes)
        let partial = try sampleBatch()
        recordSet.writeImmutableBuffer(partial.getSlice(at: 0, length: 40)!)

        let decoded = try FetchedRecordsDecoder.decode(recordSet, topic: "t", partition: 2, fetchOffset: 11)
        #expect(decoded.records.map(\.offset) == [11, 12, 13, 14, 15])
        #expect(decoded.nextOffset == 16)
        #expect(decoded.records[0].timestamp == 1_005)
        #expect(decoded.records[0].headers == [RecordHeader(key: "h", value: [1, 2])])
        #expect(decoded.records.allSatisfy { $0.topic == "t" && $0.partition == 2 })

        let nothing = try FetchedRecordsDecoder.decode(ByteBuffer(), topic: "t", partition: 0, fetchOffset: 7)
        #expect(nothing.records.isEmpty && nothing.nextOffset == 7)
    }

    @Test func corruptBatchesAreReportedNamingThePartition() throws {
        var bytes = try sampleBatch()
        bytes.setInteger(UInt8(0xFF), at: bytes.writerIndex - 1)
        #expect(throws: KafkaClientError.self) {
            try FetchedRecordsDecoder.decode(bytes, topic: "orders", partition: 3, fetchOffset: 0)
        }
    }
}
