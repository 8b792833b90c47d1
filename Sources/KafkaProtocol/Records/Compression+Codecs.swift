import CLZ4
import CSnappy
import CZstd
import NIOCore

/// snappy, lz4 and zstd through the system libraries, in the framings Kafka's Java clients and brokers use, so that
/// batches from librdkafka, kafka-python and the Java client decompress here and ours decompress there.
extension Compression {
    // MARK: snappy (xerial snappy-java framing, raw snappy accepted)

    /// snappy-java's stream header: magic `\x82SNAPPY\0`, version 1, compatible version 1. Kafka's producer writes
    /// `SnappyOutputStream` framing: this header, then blocks of INT32 compressed length + raw snappy.
    static let xerialHeader: [UInt8] = [0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]
    /// snappy-java's default block size (32 KiB of input per block).
    static let xerialBlockSize = 32 * 1024

    static func snappyCompress(_ input: ByteBuffer) throws(KafkaProtocolError) -> ByteBuffer {
        var output = ByteBuffer(bytes: xerialHeader)
        let bytes = Array(input.readableBytesView)
        var start = 0
        repeat {
            let block = bytes[start..<min(bytes.count, start + xerialBlockSize)]
            let compressed = try snappyRawCompress(Array(block))
            output.writeInteger(Int32(compressed.count))
            output.writeBytes(compressed)
            start += xerialBlockSize
        } while start < bytes.count
        return output
    }

    static func snappyDecompress(_ input: ByteBuffer, maxBytes: Int) throws(KafkaProtocolError) -> ByteBuffer {
        let bytes = Array(input.readableBytesView)
        // librdkafka and others may send one raw snappy block; snappy-java's reader accepts that too.
        guard bytes.count >= xerialHeader.count, Array(bytes[0..<8]) == Array(xerialHeader[0..<8]) else {
            return ByteBuffer(bytes: try snappyRawDecompress(bytes, maxBytes: maxBytes))
        }
        var output = ByteBuffer()
        var position = xerialHeader.count
        while position < bytes.count {
            guard position + 4 <= bytes.count else { throw failed("snappy", "truncated block length at byte \(position)") }
            let length = bytes[position..<(position + 4)].reduce(0) { ($0 << 8) | Int($1) }
            position += 4
            guard length >= 0, position + length <= bytes.count else {
                throw failed("snappy", "block of \(length) bytes at byte \(position) runs past the end (\(bytes.count))")
            }
            let block = try snappyRawDecompress(Array(bytes[position..<(position + length)]), maxBytes: maxBytes - output.readableBytes)
            output.writeBytes(block)
            position += length
        }
        return output
    }

    private static func snappyRawCompress(_ input: [UInt8]) throws(KafkaProtocolError) -> [UInt8] {
        var outputLength = snappy_max_compressed_length(input.count)
        var output = [UInt8](repeating: 0, count: outputLength)
        let status = input.withUnsafeBufferPointer { inBytes in
            output.withUnsafeMutableBufferPointer { outBytes in
                inBytes.withMemoryRebound(to: CChar.self) { source in
                    outBytes.withMemoryRebound(to: CChar.self) { target in
                        snappy_compress(source.baseAddress, input.count, target.baseAddress, &outputLength)
                    }
                }
            }
        }
        guard status == SNAPPY_OK else { throw failed("snappy", "snappy_compress returned \(status.rawValue)") }
        return Array(output[0..<outputLength])
    }

    private static func snappyRawDecompress(_ input: [UInt8], maxBytes: Int) throws(KafkaProtocolError) -> [UInt8] {
        var length = 0
        let lengthStatus = input.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { snappy_uncompressed_length($0.baseAddress, input.count, &length) }
        }
        guard lengthStatus == SNAPPY_OK else { throw failed("snappy", "not a snappy block (\(input.count) bytes)") }
        guard length <= maxBytes else { throw failed("snappy", "decompressed size \(length) exceeds \(maxBytes) bytes") }
        var output = [UInt8](repeating: 0, count: length)
        let status = input.withUnsafeBufferPointer { inBytes in
            output.withUnsafeMutableBufferPointer { outBytes in
                inBytes.withMemoryRebound(to: CChar.self) { source in
                    outBytes.withMemoryRebound(to: CChar.self) { target in
                        snappy_uncompress(source.baseAddress, input.count, target.baseAddress, &length)
                    }
                }
            }
        }
        guard status == SNAPPY_OK else { throw failed("snappy", "corrupt snappy block") }
        return Array(output[0..<length])
    }

    // MARK: lz4 (the LZ4 frame format, as Kafka's KafkaLZ4BlockOutputStream writes it for magic 2)

    static func lz4Compress(_ input: ByteBuffer) throws(KafkaProtocolError) -> ByteBuffer {
        var preferences = LZ4F_preferences_t()
        // Kafka's writer: 64 KiB independent blocks, no block or content checksums.
        preferences.frameInfo.blockSizeID = LZ4F_max64KB
        preferences.frameInfo.blockMode = LZ4F_blockIndependent
        let bytes = Array(input.readableBytesView)
        let bound = LZ4F_compressFrameBound(bytes.count, &preferences)
        var output = [UInt8](repeating: 0, count: bound)
        let written = bytes.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                LZ4F_compressFrame(target.baseAddress, bound, source.baseAddress, bytes.count, &preferences)
            }
        }
        guard LZ4F_isError(written) == 0 else { throw failed("lz4", String(cString: LZ4F_getErrorName(written))) }
        return ByteBuffer(bytes: output[0..<written])
    }

    static func lz4Decompress(_ input: ByteBuffer, maxBytes: Int) throws(KafkaProtocolError) -> ByteBuffer {
        var context: OpaquePointer?
        let created = LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(created) == 0, let context else { throw failed("lz4", "cannot create a decompression context") }
        defer { LZ4F_freeDecompressionContext(context) }
        let bytes = Array(input.readableBytesView)
        var output = ByteBuffer()
        var consumed = 0
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        // LZ4F_decompress answers 0 once a frame is complete, else how much more input it expects.
        var expectsMore = true
        while consumed < bytes.count {
            var sourceSize = bytes.count - consumed
            var targetSize = chunk.count
            let hint = bytes.withUnsafeBytes { source in
                chunk.withUnsafeMutableBytes { target in
                    LZ4F_decompress(context, target.baseAddress, &targetSize, source.baseAddress! + consumed, &sourceSize, nil)
                }
            }
            guard LZ4F_isError(hint) == 0 else { throw failed("lz4", String(cString: LZ4F_getErrorName(hint))) }
            consumed += sourceSize
            output.writeBytes(chunk[0..<targetSize])
            guard output.readableBytes <= maxBytes else { throw failed("lz4", "decompressed size exceeds \(maxBytes) bytes") }
            expectsMore = hint != 0
            if !expectsMore { break }
            if sourceSize == 0 && targetSize == 0 { throw failed("lz4", "truncated frame") }
        }
        if expectsMore { throw failed("lz4", "truncated frame: the input ended inside it") }
        return output
    }

    // MARK: zstd (plain zstd frames)

    static func zstdCompress(_ input: ByteBuffer) throws(KafkaProtocolError) -> ByteBuffer {
        let bytes = Array(input.readableBytesView)
        let bound = ZSTD_compressBound(bytes.count)
        var output = [UInt8](repeating: 0, count: bound)
        // Level 3: zstd's default, and what Kafka's producer uses.
        let written = bytes.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in ZSTD_compress(target.baseAddress, bound, source.baseAddress, bytes.count, 3) }
        }
        guard ZSTD_isError(written) == 0 else { throw failed("zstd", String(cString: ZSTD_getErrorName(written))) }
        return ByteBuffer(bytes: output[0..<written])
    }

    static func zstdDecompress(_ input: ByteBuffer, maxBytes: Int) throws(KafkaProtocolError) -> ByteBuffer {
        guard let stream = ZSTD_createDStream() else { throw failed("zstd", "cannot create a decompression stream") }
        defer { ZSTD_freeDStream(stream) }
        ZSTD_initDStream(stream)
        let bytes = Array(input.readableBytesView)
        var output = ByteBuffer()
        var chunk = [UInt8](repeating: 0, count: 128 * 1024)
        var remaining = 0
        var failure: String?
        bytes.withUnsafeBytes { source in
            var inBuffer = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: 0)
            repeat {
                let (result, produced) = chunk.withUnsafeMutableBytes { target in
                    var outBuffer = ZSTD_outBuffer(dst: target.baseAddress, size: target.count, pos: 0)
                    let result = ZSTD_decompressStream(stream, &outBuffer, &inBuffer)
                    return (result, outBuffer.pos)
                }
                if ZSTD_isError(result) != 0 {
                    failure = String(cString: ZSTD_getErrorName(result))
                    return
                }
                output.writeBytes(chunk[0..<produced])
                if output.readableBytes > maxBytes {
                    failure = "decompressed size exceeds \(maxBytes) bytes"
                    return
                }
                remaining = result
                if inBuffer.pos == inBuffer.size && produced == 0 { break }
            } while inBuffer.pos < inBuffer.size || remaining != 0
        }
        if let failure { throw failed("zstd", failure) }
        if remaining != 0 { throw failed("zstd", "truncated frame") }
        return output
    }

    private static func failed(_ codec: String, _ why: String) -> KafkaProtocolError {
        KafkaProtocolError(.decompressionFailed(why), field: codec)
    }
}
