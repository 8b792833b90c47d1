import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@testable import KafkaNetwork

@Suite(.tags(.unit)) struct RequestFrameDecoderTests {
    private func sized(_ payload: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(Int32(payload.count))
        buffer.writeBytes(payload)
        return buffer
    }

    @Test func decoder_anySplitOrCoalescing_emitsFramesWithoutPrefix() throws {
        let pairs: [(ByteBuffer, [ByteBuffer])] = [
            (sized([0, 18, 0, 3, 0, 0, 0, 1]), [ByteBuffer(bytes: [0, 18, 0, 3, 0, 0, 0, 1])]),
            (sized([]), [ByteBuffer()]),
            (sized(Array(repeating: 9, count: 300)), [ByteBuffer(bytes: Array(repeating: 9, count: 300))]),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) {
            RequestFrameDecoder(maxFrameBytes: 1024)
        }
    }

    @Test func decoder_negativeSize_throwsBeforeBuffering() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RequestFrameDecoder(maxFrameBytes: 1024)))
        var input = ByteBuffer()
        input.writeInteger(Int32(-5))
        #expect(throws: RequestFrameDecoder.FrameError.negativeSize(-5)) { try channel.writeInbound(input) }
        _ = try? channel.finish()
    }

    @Test func decoder_sizeAboveMax_throwsAsSoonAsPrefixArrives() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RequestFrameDecoder(maxFrameBytes: 1024)))
        var input = ByteBuffer()
        input.writeInteger(Int32(1025))  // no body at all: the claimed size is never waited for nor allocated
        #expect(throws: RequestFrameDecoder.FrameError.oversized(size: 1025, maxBytes: 1024)) {
            try channel.writeInbound(input)
        }
        _ = try? channel.finish()
    }

    @Test func decoder_sizeEqualToMax_isAccepted() throws {
        let decoder = RequestFrameDecoder(maxFrameBytes: 16)
        var input = sized(Array(repeating: 1, count: 16))
        let frame = try decoder.nextFrame(from: &input)
        #expect(frame?.readableBytes == 16)
        #expect(input.readableBytes == 0)
    }

    @Test func decoder_partialFrame_waitsWithoutConsuming() throws {
        let decoder = RequestFrameDecoder(maxFrameBytes: 1024)
        var input = ByteBuffer(bytes: [0, 0, 0, 10, 1, 2, 3])
        #expect(try decoder.nextFrame(from: &input) == nil)
        #expect(input.readableBytes == 7)
        var short = ByteBuffer(bytes: [0, 0])
        #expect(try decoder.nextFrame(from: &short) == nil)
    }

    @Test func decoder_streamEndsInsideFrame_reportsTruncation() throws {
        final class EventRecorder: ChannelInboundHandler {
            typealias InboundIn = ByteBuffer
            var truncated: RequestFrameDecoder.TruncatedFrame?
            func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
                if let event = event as? RequestFrameDecoder.TruncatedFrame { truncated = event }
            }
        }
        let recorder = EventRecorder()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(RequestFrameDecoder(maxFrameBytes: 1024)), recorder,
        ])
        try channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 10, 1, 2, 3]))
        _ = try? channel.finish()
        #expect(recorder.truncated == RequestFrameDecoder.TruncatedFrame(bufferedBytes: 7))
    }
}

@Suite(.tags(.unit)) struct RequestHeaderPrefixTests {
    @Test func prefix_eightBytes_parsesBigEndianFields() {
        let frame = ByteBuffer(bytes: [0, 3, 0, 9, 0x7f, 0, 0, 2, 0xff])
        let prefix = RequestHeaderPrefix(peekingAt: frame)
        #expect(prefix == RequestHeaderPrefix(apiKey: 3, apiVersion: 9, correlationID: 0x7f00_0002))
        #expect(frame.readableBytes == 9)
    }

    @Test func prefix_sevenBytes_isNil() {
        #expect(RequestHeaderPrefix(peekingAt: ByteBuffer(bytes: [0, 3, 0, 9, 0, 0, 0])) == nil)
    }
}

@Suite(.tags(.unit)) struct SocketServerConfigurationTests {
    @Test func defaults_matchKafka28() {
        let configuration = SocketServerConfiguration()
        #expect(configuration.numNetworkThreads == 3)
        #expect(configuration.numIOThreads == 8)
        #expect(configuration.socketRequestMaxBytes == 104_857_600)
        #expect(configuration.connectionsMaxIdleMs == 600_000)
        #expect(configuration.queuedMaxRequests == 500)
        #expect(configuration.socketSendBufferBytes == 102_400)
        #expect(configuration.socketReceiveBufferBytes == 102_400)
        #expect(configuration.validationErrors.isEmpty)
    }

    @Test func validation_badValues_areReported() {
        let configuration = SocketServerConfiguration(
            listeners: [], numNetworkThreads: 0, numIOThreads: 0, socketRequestMaxBytes: 4,
            connectionsMaxIdleMs: 0, queuedMaxRequests: 0)
        #expect(configuration.validationErrors.count == 6)
        #expect(throws: SocketServer.ServerError.self) {
            try SocketServer(configuration: configuration, handler: TestRequestHandler())
        }
    }
}
