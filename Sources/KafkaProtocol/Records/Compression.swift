import CZlib
import NIOCore

/// Record-batch compression codecs (attribute bits 0–2).
public enum CompressionCodec: Int, Sendable, Hashable, CaseIterable {
    case none = 0
    case gzip = 1
    case snappy = 2
    case lz4 = 3
    case zstd = 4

    /// Whether this module can compress and decompress the codec: all of them (gzip through zlib; snappy, lz4 and
    /// zstd through their system libraries).
    public var isSupported: Bool { true }
}

/// Compression and decompression of record payloads through the system libraries: zlib for gzip, libsnappy,
/// liblz4 (frame format) and libzstd (`Compression+Codecs.swift`).
public enum Compression {
    /// Decompressed payloads larger than this are rejected (decompression-bomb guard).
    public static let defaultMaxDecompressedBytes = 256 * 1024 * 1024

    public static func compress(_ input: ByteBuffer, codec: CompressionCodec) throws(KafkaProtocolError) -> ByteBuffer {
        switch codec {
        case .none: return input
        case .gzip: return try gzipCompress(input)
        case .snappy: return try snappyCompress(input)
        case .lz4: return try lz4Compress(input)
        case .zstd: return try zstdCompress(input)
        }
    }

    public static func decompress(
        _ input: ByteBuffer, codec: CompressionCodec, maxBytes: Int = defaultMaxDecompressedBytes
    ) throws(KafkaProtocolError) -> ByteBuffer {
        switch codec {
        case .none: return input
        case .gzip: return try gzipDecompress(input, maxBytes: maxBytes)
        case .snappy: return try snappyDecompress(input, maxBytes: maxBytes)
        case .lz4: return try lz4Decompress(input, maxBytes: maxBytes)
        case .zstd: return try zstdDecompress(input, maxBytes: maxBytes)
        }
    }

    static func gzipCompress(_ input: ByteBuffer) throws(KafkaProtocolError) -> ByteBuffer {
        var stream = z_stream()
        // windowBits 15 + 16: write a gzip (RFC 1952) wrapper, as Kafka's GZIPOutputStream does.
        let initResult = deflateInit2_(
            &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
            Int32(MemoryLayout<z_stream>.size))
        guard initResult == Z_OK else {
            throw KafkaProtocolError(.decompressionFailed("deflateInit2 returned \(initResult)"), field: "gzip")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.readableBytes))) + 32
        var output = ByteBuffer()
        output.reserveCapacity(bound)
        let result: Int32 = input.withUnsafeReadableBytes { inBytes in
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { outBytes in
                stream.next_in = UnsafeMutablePointer(
                    mutating: inBytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
                stream.avail_in = uInt(inBytes.count)
                stream.next_out = outBytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(outBytes.count)
                let status = deflate(&stream, Z_FINISH)
                return status == Z_STREAM_END ? Int(stream.total_out) : 0
            } > 0 ? Z_STREAM_END : Z_BUF_ERROR
        }
        guard result == Z_STREAM_END else {
            throw KafkaProtocolError(.decompressionFailed("deflate did not finish"), field: "gzip")
        }
        return output
    }

    static func gzipDecompress(_ input: ByteBuffer, maxBytes: Int) throws(KafkaProtocolError) -> ByteBuffer {
        var stream = z_stream()
        // windowBits 15 + 32: accept gzip or zlib headers.
        let initResult = inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initResult == Z_OK else {
            throw KafkaProtocolError(.decompressionFailed("inflateInit2 returned \(initResult)"), field: "gzip")
        }
        defer { inflateEnd(&stream) }
        var output = ByteBuffer()
        output.reserveCapacity(max(1024, min(maxBytes, input.readableBytes * 4)))
        var status: Int32 = Z_OK
        var failure: String?
        input.withUnsafeReadableBytes { inBytes in
            stream.next_in = UnsafeMutablePointer(mutating: inBytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(inBytes.count)
            while status != Z_STREAM_END {
                if output.readableBytes >= maxBytes {
                    failure = "decompressed size exceeds \(maxBytes) bytes"
                    return
                }
                let chunk = min(64 * 1024, maxBytes - output.readableBytes)
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: chunk) { outBytes in
                    stream.next_out = outBytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(chunk)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return chunk - Int(stream.avail_out)
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 {
                    failure = "truncated gzip stream"
                    return
                }
                if status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR {
                    failure = "inflate returned \(status)"
                    return
                }
            }
        }
        if let failure {
            throw KafkaProtocolError(.decompressionFailed(failure), field: "gzip")
        }
        return output
    }
}

/// CRC-32 (IEEE), the checksum of legacy magic 0/1 messages (zlib's `crc32`).
public enum CRC32 {
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        return UInt32(crc32(0, base.assumingMemoryBound(to: Bytef.self), uInt(bytes.count)))
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    public static func checksum(_ buffer: ByteBuffer) -> UInt32 {
        buffer.withUnsafeReadableBytes { checksum($0) }
    }
}
