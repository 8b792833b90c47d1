import KafkaProtocol
import NIOCore
import NIOPosix
import Synchronization

/// One client connection to a Kafka broker speaking the wire protocol: size-prefixed frames,
/// pipelined requests matched to responses by correlation id. Used by the controller's per-broker
/// channels, the admin CLI and the console tools.
public final class KafkaConnection: Sendable {
    public let host: String
    public let port: Int
    public let clientID: String
    private let channel: any Channel
    private let pending: PendingResponses

    private init(host: String, port: Int, clientID: String, channel: any Channel, pending: PendingResponses) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.channel = channel
        self.pending = pending
    }

    /// Connects to `host:port` within `timeout`.
    public static func connect(
        host: String, port: Int, clientID: String = "zkafka", timeout: Duration = .seconds(10),
        maxResponseBytes: Int = 100 * 1024 * 1024, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> KafkaConnection {
        let pending = PendingResponses()
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(Int64(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(ResponseFrameDecoder(maxBytes: maxResponseBytes)))
                    try channel.pipeline.syncOperations.addHandler(ResponseDispatcher(pending: pending))
                }
            }
            .connect(host: host, port: port)
            .get()
        return KafkaConnection(host: host, port: port, clientID: clientID, channel: channel, pending: pending)
    }

    /// Sends `request` at `version` and waits for its response.
    public func send<Request: KafkaRequest>(_ request: Request, version: Int16) async throws -> Request.Response {
        let frame = try await sendRaw(request, version: version)
        var body = frame
        let headerVersion = ResponseHeader.headerVersion(apiKey: Request.apiKey, apiVersion: version)
        _ = try ResponseHeader(from: &body, headerVersion: headerVersion)
        return try Request.Response(from: &body, version: version)
    }

    /// Sends `request` and waits at most `timeout` for its response. Past that the request fails with
    /// ``KafkaConnectionError/timedOut(host:port:apiKey:)``; the caller decides whether to drop the
    /// connection, as Kafka's `NetworkClient` does once `request.timeout.ms` has passed.
    public func send<Request: KafkaRequest>(
        _ request: Request, version: Int16, timeout: Duration
    ) async throws -> Request.Response {
        var body = try await sendRaw(request, version: version, timeout: timeout)
        let headerVersion = ResponseHeader.headerVersion(apiKey: Request.apiKey, apiVersion: version)
        _ = try ResponseHeader(from: &body, headerVersion: headerVersion)
        return try Request.Response(from: &body, version: version)
    }

    /// Writes `request` now, before returning, and calls `completion` (on the connection's event loop)
    /// with the response, a transport error, or ``KafkaConnectionError/timedOut(host:port:apiKey:)``
    /// after `timeout`. Requests submitted one after another reach the broker in that order, which
    /// the producer relies on to keep a partition's batches in order with several in flight.
    public func submit<Request: KafkaRequest>(
        _ request: Request, version: Int16, timeout: Duration,
        completion: @escaping @Sendable (Result<Request.Response, any Error>) -> Void
    ) {
        let correlationID = pending.nextCorrelationID()
        var buffer = channel.allocator.buffer(capacity: 256)
        KafkaFrame.request(request, correlationId: correlationID, clientId: clientID, version: version, into: &buffer)
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        let error = KafkaConnectionError.timedOut(host: host, port: port, apiKey: Request.apiKey.rawValue)
        let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) { [pending] in
            pending.fail(correlationID, error)
        }
        let registered = pending.register(correlationID) { result in
            timer.cancel()
            completion(
                result.flatMap { frame in
                    Result {
                        var body = frame
                        let headerVersion = ResponseHeader.headerVersion(apiKey: Request.apiKey, apiVersion: version)
                        _ = try ResponseHeader(from: &body, headerVersion: headerVersion)
                        return try Request.Response(from: &body, version: version)
                    }
                })
        }
        guard registered else {
            timer.cancel()
            completion(.failure(KafkaConnectionError.closed(host: host, port: port)))
            return
        }
        channel.writeAndFlush(buffer).whenFailure { [pending] error in
            pending.fail(correlationID, error)
        }
    }

    /// Writes a request that gets no response (Produce with acks=0) now, before returning;
    /// `completion` gets the write's outcome.
    public func submitWithoutResponse<Request: KafkaRequest>(
        _ request: Request, version: Int16, completion: @escaping @Sendable ((any Error)?) -> Void
    ) {
        var buffer = channel.allocator.buffer(capacity: 256)
        KafkaFrame.request(request, correlationId: pending.nextCorrelationID(), clientId: clientID, version: version, into: &buffer)
        channel.writeAndFlush(buffer).whenComplete { result in
            switch result {
            case .success: completion(nil)
            case .failure(let error): completion(error)
            }
        }
    }

    /// Sends a request that gets no response (Produce with acks=0).
    public func sendWithoutResponse<Request: KafkaRequest>(_ request: Request, version: Int16) async throws {
        var buffer = channel.allocator.buffer(capacity: 256)
        KafkaFrame.request(request, correlationId: pending.nextCorrelationID(), clientId: clientID, version: version, into: &buffer)
        try await channel.writeAndFlush(buffer)
    }

    /// Sends the request `build` returns and waits for its response, like ``send(_:version:)``, but the request
    /// value lives only while it is encoded: a controller's LeaderAndIsr or UpdateMetadata of 100,000 partitions
    /// is about 8 MB as a message value, and each broker's sender held one while it waited for the broker's
    /// answer (issue 14).
    public func send<Request: KafkaRequest>(version: Int16, building build: () -> Request) async throws -> Request.Response {
        let correlationID = pending.nextCorrelationID()
        var buffer = channel.allocator.buffer(capacity: 256)
        KafkaFrame.request(build(), correlationId: correlationID, clientId: clientID, version: version, into: &buffer)
        var body = try await sendEncoded(buffer, correlationID: correlationID, apiKey: Request.apiKey.rawValue, timeout: nil)
        let headerVersion = ResponseHeader.headerVersion(apiKey: Request.apiKey, apiVersion: version)
        _ = try ResponseHeader(from: &body, headerVersion: headerVersion)
        return try Request.Response(from: &body, version: version)
    }

    private func sendRaw<Request: KafkaRequest>(
        _ request: Request, version: Int16, timeout: Duration? = nil
    ) async throws -> ByteBuffer {
        let correlationID = pending.nextCorrelationID()
        var buffer = channel.allocator.buffer(capacity: 256)
        KafkaFrame.request(request, correlationId: correlationID, clientId: clientID, version: version, into: &buffer)
        return try await sendEncoded(buffer, correlationID: correlationID, apiKey: Request.apiKey.rawValue, timeout: timeout)
    }

    /// Writes an encoded request frame and waits for the response to `correlationID`.
    private func sendEncoded(
        _ buffer: ByteBuffer, correlationID: Int32, apiKey: Int16, timeout: Duration?
    ) async throws -> ByteBuffer {
        var timer: Scheduled<Void>?
        defer { timer?.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            guard pending.register(correlationID, { continuation.resume(with: $0) }) else {
                continuation.resume(throwing: KafkaConnectionError.closed(host: host, port: port))
                return
            }
            if let timeout {
                let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
                let error = KafkaConnectionError.timedOut(host: host, port: port, apiKey: apiKey)
                timer = channel.eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) { [pending] in
                    pending.fail(correlationID, error)
                }
            }
            channel.writeAndFlush(buffer).whenFailure { [pending] error in
                pending.fail(correlationID, error)
            }
        }
    }

    /// Closes the connection; outstanding requests fail with ``KafkaConnectionError/closed(host:port:)``.
    public func close() async {
        try? await channel.close()
    }

    public var isActive: Bool { channel.isActive }
}

public enum KafkaConnectionError: Error, Sendable, CustomStringConvertible {
    case closed(host: String, port: Int)
    case oversizedResponse(Int)
    case timedOut(host: String, port: Int, apiKey: Int16)

    public var description: String {
        switch self {
        case .timedOut(let host, let port, let apiKey): "request (api key \(apiKey)) to \(host):\(port) timed out"
        case .closed(let host, let port): "connection to \(host):\(port) closed"
        case .oversizedResponse(let size): "response of \(size) bytes exceeds the limit"
        }
    }
}

/// Correlation ids in flight and what to call with their responses.
final class PendingResponses: Sendable {
    typealias Callback = @Sendable (Result<ByteBuffer, any Error>) -> Void

    private struct State {
        var nextID: Int32 = 0
        var waiting: [Int32: Callback] = [:]
        var closedError: (any Error)?
    }

    private let state = Mutex(State())

    func nextCorrelationID() -> Int32 {
        state.withLock { state in
            state.nextID = state.nextID == Int32.max ? 0 : state.nextID + 1
            return state.nextID
        }
    }

    func register(_ id: Int32, _ callback: @escaping Callback) -> Bool {
        state.withLock { state in
            guard state.closedError == nil else { return false }
            state.waiting[id] = callback
            return true
        }
    }

    func complete(_ frame: ByteBuffer) {
        guard let id = frame.getInteger(at: frame.readerIndex, as: Int32.self) else { return }
        state.withLock { $0.waiting.removeValue(forKey: id) }?(.success(frame))
    }

    func fail(_ id: Int32, _ error: any Error) {
        state.withLock { $0.waiting.removeValue(forKey: id) }?(.failure(error))
    }

    func failAll(_ error: any Error) {
        let waiting = state.withLock { state in
            state.closedError = error
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        for callback in waiting { callback(.failure(error)) }
    }
}

/// INT32-size-prefixed response frames.
struct ResponseFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer
    let maxBytes: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let size = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return .needMoreData }
        guard size >= 4, Int(size) <= maxBytes else { throw KafkaConnectionError.oversizedResponse(Int(size)) }
        guard buffer.readableBytes >= 4 + Int(size) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: Int(size))!))
        return .continue
    }
}

/// Hands each response frame to the request waiting for its correlation id.
final class ResponseDispatcher: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let pending: PendingResponses

    init(pending: PendingResponses) { self.pending = pending }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pending.complete(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        let address = context.remoteAddress.map { "\($0)" } ?? "broker"
        pending.failAll(KafkaConnectionError.closed(host: address, port: 0))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        pending.failAll(error)
        context.close(promise: nil)
    }
}
