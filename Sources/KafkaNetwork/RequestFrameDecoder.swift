import NIOCore

/// Splits the inbound byte stream into Kafka frames: an INT32 size, then that many bytes (header + body).
///
/// Emits each frame without its size prefix. A negative size or one above `maxFrameBytes`
/// (`socket.request.max.bytes`) throws a ``FrameError`` as soon as the four size bytes have arrived, before any of
/// the body is buffered; the claimed size is never allocated up front, the frame only grows as bytes arrive.
/// ``ConnectionHandler`` turns the error into a log line naming the client, and closes the connection.
public struct RequestFrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = ByteBuffer

    /// A size prefix the broker refuses.
    public enum FrameError: Error, Hashable, CustomStringConvertible {
        case negativeSize(Int32)
        case oversized(size: Int32, maxBytes: Int)

        public var description: String {
            switch self {
            case .negativeSize(let size):
                return "invalid negative frame size \(size)"
            case .oversized(let size, let maxBytes):
                return "frame size \(size) is larger than socket.request.max.bytes \(maxBytes)"
            }
        }
    }

    /// Fired as a user inbound event when the stream ends in the middle of a frame.
    public struct TruncatedFrame: Sendable, Hashable {
        /// Bytes of the incomplete frame (size prefix included) that were dropped.
        public var bufferedBytes: Int
    }

    public let maxFrameBytes: Int

    public init(maxFrameBytes: Int) {
        self.maxFrameBytes = maxFrameBytes
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try self.nextFrame(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        if try self.decode(context: context, buffer: &buffer) == .continue { return .continue }
        if buffer.readableBytes > 0 {
            context.fireUserInboundEventTriggered(TruncatedFrame(bufferedBytes: buffer.readableBytes))
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        }
        return .needMoreData
    }

    /// The framing rule on its own: consumes and returns the next complete frame, nil if more bytes are needed.
    func nextFrame(from buffer: inout ByteBuffer) throws -> ByteBuffer? {
        guard let size = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: Int32.self) else {
            return nil
        }
        if size < 0 { throw FrameError.negativeSize(size) }
        if Int(size) > maxFrameBytes { throw FrameError.oversized(size: size, maxBytes: maxFrameBytes) }
        guard buffer.readableBytes >= 4 + Int(size) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: Int(size))
    }
}
