import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The per-connection half of a processor (Kafka's `SocketServer.Processor` and the `Selector`'s mute rules),
/// placed after ``RequestFrameDecoder`` in each accepted channel's pipeline. Runs on the connection's event loop.
///
/// - One request in processing per connection: after a frame is dispatched the connection is *muted*: reads are
///   held (not passed down the pipeline) until the response has been written to the socket, or the handler said
///   ``ResponseAction/noResponse``. Frames already decoded from bytes read before muting wait in `pendingFrames`.
///   Responses therefore leave in request order, and a client that does not read its responses stops the server
///   reading from it once the socket send buffer is full.
/// - Frame errors, frames too short for a header prefix, and ``ResponseAction/close(reason:)`` log a line naming the
///   client and close this connection only.
/// - `IdleStateHandler`'s all-idle event closes the connection unless the application is processing its request;
///   a connection whose response cannot be written because the client stops reading is reaped too.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ResponseAction
    typealias OutboundOut = ByteBuffer

    /// Sent by ``SocketServer/shutdown()`` through the pipeline to close the connection with reason `.shutdown`.
    struct ServerShutdown: Sendable {}

    private let connectionID: String
    private let clientAddress: String
    private let listenerName: String
    private let requestChannel: RequestChannel
    private let metrics: NetworkMetricsRecorder
    private let requestMetrics: RequestMetrics
    private var logger: Logger

    private var isMuted = false
    /// A request was handed to the application and its ``ResponseAction`` has not come back yet.
    private var isAwaitingHandler = false
    private var isReadHeld = false
    private var pendingFrames = CircularBuffer<ByteBuffer>()
    private var currentHeader: RequestHeaderPrefix?
    private var currentReceivedAtNanoseconds: UInt64 = 0
    private var closeReason: ConnectionCloseReason?
    private var isCounted = false

    init(
        connectionID: String,
        clientAddress: String,
        listenerName: String,
        requestChannel: RequestChannel,
        metrics: NetworkMetricsRecorder,
        requestMetrics: RequestMetrics = RequestMetrics(),
        logger: Logger
    ) {
        self.connectionID = connectionID
        self.clientAddress = clientAddress
        self.listenerName = listenerName
        self.requestChannel = requestChannel
        self.metrics = metrics
        self.requestMetrics = requestMetrics
        self.logger = logger
        self.logger[metadataKey: NetworkLoggingKeys.connectionID] = "\(connectionID)"
        self.logger[metadataKey: NetworkLoggingKeys.clientAddress] = "\(clientAddress)"
        self.logger[metadataKey: NetworkLoggingKeys.listener] = "\(listenerName)"
    }

    // MARK: Lifecycle

    func channelActive(context: ChannelHandlerContext) {
        if !isCounted {
            isCounted = true
            metrics.connectionOpened()
        }
        logger.debug("accepted connection from \(clientAddress)")
        context.fireChannelActive()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // Accepted channels are usually active before the initializer runs, so channelActive may never arrive.
        if context.channel.isActive, !isCounted {
            isCounted = true
            metrics.connectionOpened()
            logger.debug("accepted connection from \(clientAddress)")
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let reason = closeReason ?? .clientDisconnected
        closeReason = reason
        if isCounted {
            isCounted = false
            metrics.connectionClosed(reason)
        }
        pendingFrames.removeAll()
        logger.debug(
            "connection from \(clientAddress) closed", metadata: [NetworkLoggingKeys.closeReason: "\(reason)"])
        context.fireChannelInactive()
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        guard closeReason == nil else { return }
        metrics.requestReceived(bytes: 4 + frame.readableBytes)
        if isMuted {
            pendingFrames.append(frame)
        } else {
            dispatch(frame, context: context)
        }
    }

    private func dispatch(_ frame: ByteBuffer, context: ChannelHandlerContext) {
        guard let header = RequestHeaderPrefix(peekingAt: frame) else {
            closeConnection(
                context: context,
                reason: .malformedRequest,
                message: "request frame of \(frame.readableBytes) bytes is too short for a request header (8 bytes)"
            )
            return
        }
        isMuted = true
        isAwaitingHandler = true
        currentHeader = header
        currentReceivedAtNanoseconds = NIODeadline.now().uptimeNanoseconds
        let channel = context.channel
        let request = NetworkRequest(
            frame: frame,
            context: RequestContext(
                connectionID: connectionID,
                clientAddress: clientAddress,
                listenerName: listenerName,
                header: header,
                isConnectionOpen: { channel.isActive }
            ),
            channel: channel,
            logger: logger,
            receivedAtNanoseconds: currentReceivedAtNanoseconds
        )
        if !requestChannel.send(request) {
            closeConnection(context: context, reason: .shutdown, message: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case let frameError as RequestFrameDecoder.FrameError:
            let reason: ConnectionCloseReason
            switch frameError {
            case .negativeSize: reason = .negativeFrameSize
            case .oversized: reason = .oversizedFrame
            }
            closeConnection(context: context, reason: reason, message: "\(frameError)")
        case let ioError as IOError where [ECONNRESET, EPIPE, ETIMEDOUT].contains(ioError.errnoCode):
            logger.debug("connection from \(clientAddress) lost: \(ioError)")
            closeConnection(context: context, reason: .clientDisconnected, message: nil)
        default:
            closeConnection(context: context, reason: .ioError, message: "\(error)")
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case IdleStateHandler.IdleStateEvent.all:
            // A request in the application's hands is not idleness (a long-poll may take a while). A response
            // stuck because the client does not read is: like Kafka, such a connection is reaped.
            if isAwaitingHandler { return }
            logger.info("closing connection from \(clientAddress): idle for longer than connections.max.idle.ms")
            closeConnection(context: context, reason: .idle, message: nil)
        case let truncated as RequestFrameDecoder.TruncatedFrame:
            logger.debug(
                "connection from \(clientAddress) ended inside a frame; dropped \(truncated.bufferedBytes) bytes")
        case is ServerShutdown:
            closeConnection(context: context, reason: .shutdown, message: nil)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    // MARK: Outbound

    func read(context: ChannelHandlerContext) {
        if isMuted || !pendingFrames.isEmpty {
            isReadHeld = true
        } else {
            context.read()
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let action = Self.unwrapOutboundIn(data)
        isAwaitingHandler = false
        guard closeReason == nil, isMuted else {
            // The connection is closing, or this is a stray response: nothing to send it for.
            promise?.succeed(())
            return
        }
        switch action {
        case .send(let response):
            var prefix = context.channel.allocator.buffer(capacity: 4)
            prefix.writeInteger(Int32(truncatingIfNeeded: response.readableBytes), endianness: .big)
            let bytes = 4 + response.readableBytes
            let written = context.eventLoop.makePromise(of: Void.self)
            context.write(Self.wrapOutboundOut(prefix), promise: nil)
            context.writeAndFlush(Self.wrapOutboundOut(response), promise: written)
            written.futureResult.assumeIsolated().whenComplete { result in
                if case .success = result {
                    self.metrics.responseSent(bytes: bytes)
                    self.requestCompleted(context: context)
                }
            }
            written.futureResult.cascade(to: promise)
        case .noResponse:
            metrics.requestWithoutResponse()
            promise?.succeed(())
            requestCompleted(context: context)
        case .close(let reason):
            promise?.succeed(())
            closeConnection(context: context, reason: .handlerRequested, message: reason)
        }
    }

    /// Unmutes: dispatches the next frame already read, or releases a held read.
    private func requestCompleted(context: ChannelHandlerContext) {
        if let currentHeader {
            requestMetrics.recordCompletion(
                currentHeader,
                totalNanoseconds: Int64(clamping: NIODeadline.now().uptimeNanoseconds &- currentReceivedAtNanoseconds))
        }
        isMuted = false
        currentHeader = nil
        guard closeReason == nil else { return }
        if let next = pendingFrames.popFirst() {
            dispatch(next, context: context)
        } else if isReadHeld {
            isReadHeld = false
            context.read()
        }
    }

    private func closeConnection(context: ChannelHandlerContext, reason: ConnectionCloseReason, message: String?) {
        guard closeReason == nil else { return }
        closeReason = reason
        if let message {
            var metadata: Logger.Metadata = [NetworkLoggingKeys.closeReason: "\(reason)"]
            if let header = currentHeader {
                metadata[NetworkLoggingKeys.apiKey] = "\(header.apiKey)"
                metadata[NetworkLoggingKeys.apiVersion] = "\(header.apiVersion)"
                metadata[NetworkLoggingKeys.correlationID] = "\(header.correlationID)"
            }
            logger.warning("closing connection \(connectionID) from \(clientAddress): \(message)", metadata: metadata)
        }
        pendingFrames.removeAll()
        context.close(promise: nil)
    }
}
