import NIOCore
import Testing

@testable import KafkaProtocol

@Suite(.tags(.unit)) struct CompressionCodecTests {
    static let inputs: [[UInt8]] = [
        [],
        [42],
        Array("kafka ".utf8.flatMap { Array(repeating: $0, count: 1) }) + Array(repeating: 7, count: 200_000),
        (0..<150_000).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) },  // barely compressible
    ]

    @Test(arguments: [CompressionCodec.gzip, .snappy, .lz4, .zstd])
    func roundTrip_everySize(codec: CompressionCodec) throws {
        for input in Self.inputs {
            let compressed = try Compression.compress(ByteBuffer(bytes: input), codec: codec)
            let back = try Compression.decompress(compressed, codec: codec)
            #expect(Array(back.readableBytesView) == input, "\(codec) lost data for \(input.count) bytes")
        }
    }

    /// Kafka's producer and brokers frame snappy as snappy-java's stream: magic, versions, then length-prefixed blocks.
    @Test func snappy_writesXerialFraming_andReadsRawSnappyToo() throws {
        let input = Array(repeating: UInt8(9), count: 100_000)
        let framed = try Compression.compress(ByteBuffer(bytes: input), codec: .snappy)
        #expect(Array(framed.readableBytesView.prefix(16)) == Compression.xerialHeader)
        // 100,000 bytes in 32 KiB blocks: 4 blocks.
        var blocks = 0
        var position = 16
        let bytes = Array(framed.readableBytesView)
        while position < bytes.count {
            position += 4 + bytes[position..<(position + 4)].reduce(0) { ($0 << 8) | Int($1) }
            blocks += 1
        }
        #expect(blocks == 4 && position == bytes.count)
        // One raw block, as librdkafka may send: the first block's payload alone decompresses to its 32 KiB.
        let firstLength = bytes[16..<20].reduce(0) { ($0 << 8) | Int($1) }
        let raw = ByteBuffer(bytes: bytes[20..<(20 + firstLength)])
        #expect(try Compression.decompress(raw, codec: .snappy).readableBytes == 32 * 1024)
    }

    /// The LZ4 frame magic and Kafka's writer's descriptor: version 1, independent blocks, 64 KiB maximum.
    @Test func lz4_writesAFrameWithIndependent64KiBBlocks() throws {
        let frame = Array(try Compression.compress(ByteBuffer(bytes: Array(repeating: 1, count: 1_000)), codec: .lz4).readableBytesView)
        #expect(Array(frame.prefix(4)) == [0x04, 0x22, 0x4D, 0x18])
        #expect(frame[4] & 0xC0 == 0x40 && frame[4] & 0x20 != 0)  // version 01, block independence
        #expect((frame[5] >> 4) & 0x07 == 4)  // block maximum size 64 KiB
    }

    @Test(arguments: [CompressionCodec.gzip, .snappy, .lz4, .zstd])
    func corruptOrTruncated_isCorruptMessage(codec: CompressionCodec) throws {
        let compressed = Array(try Compression.compress(ByteBuffer(bytes: Array(repeating: 3, count: 50_000)), codec: codec).readableBytesView)
        let truncated = ByteBuffer(bytes: compressed.prefix(compressed.count / 2))
        #expect(throws: KafkaProtocolError.self) { _ = try Compression.decompress(truncated, codec: codec) }
        let garbage = ByteBuffer(bytes: (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37) })
        do {
            _ = try Compression.decompress(garbage, codec: codec)
            Issue.record("\(codec) accepted 64 bytes of garbage")
        } catch {
            #expect(error.errorCode == .corruptMessage)
        }
    }

    @Test(arguments: [CompressionCodec.gzip, .snappy, .lz4, .zstd])
    func decompressionBomb_isRefused(codec: CompressionCodec) throws {
        let compressed = try Compression.compress(ByteBuffer(bytes: Array(repeating: 0, count: 2_000_000)), codec: codec)
        #expect(throws: KafkaProtocolError.self) { _ = try Compression.decompress(compressed, codec: codec, maxBytes: 100_000) }
    }
}
