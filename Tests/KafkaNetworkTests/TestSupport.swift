import KafkaTestKit
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

@testable import KafkaNetwork

enum TestAPI {
    /// Echo: response = correlation id + request body.
    static let echo: Int16 = 0
    /// Body starts with a UInt32 of milliseconds to sleep before echoing.
    static let sleepThenEcho: Int16 = 1
    /// `.noResponse`.
    static let noResponse: Int16 = 2
    /// `.close(reason:)`, as for an unknown API key.
    static let close: Int16 = 3
    /// Body is a UInt32 n: response = correlation id + n zero bytes.
    static let large: Int16 = 4
    /// Holds its thread without suspending (as a handler computing for long would) until
    /// ``TestRequestHandler/releaseBlockedThreads()`` or 10 s, then echoes; records whether the thread it ran on
    /// was one of the server's request-handler threads.
    static let blockThread: Int16 = 5
}

/// A request handler whose behaviour is picked by the API key (see ``TestAPI``); records how many requests of one
/// connection were ever processed at once.
final class TestRequestHandler: KafkaRequestHandler {
    private struct State {
        var active: [String: Int] = [:]
        var maxActivePerConnection = 0
        var handled = 0
        var threadsBlocked = 0
        var released = false
        var blockedOnCooperativePool = 0
    }

    private let state = NIOLockedValueBox(State())

    var maxActivePerConnection: Int { state.withLockedValue { $0.maxActivePerConnection } }
    var handled: Int { state.withLockedValue { $0.handled } }
    var threadsBlocked: Int { state.withLockedValue { $0.threadsBlocked } }
    var blockedOnCooperativePool: Int { state.withLockedValue { $0.blockedOnCooperativePool } }
    func releaseBlockedThreads() { state.withLockedValue { $0.released = true } }

    func handle(_ request: ByteBuffer, context: RequestContext) async -> ResponseAction {
        state.withLockedValue {
            $0.active[context.connectionID, default: 0] += 1
            $0.maxActivePerConnection = max($0.maxActivePerConnection, $0.active[context.connectionID]!)
        }
        defer {
            state.withLockedValue {
                $0.active[context.connectionID, default: 0] -= 1
                $0.handled += 1
            }
        }
        var body = request
        body.moveReaderIndex(forwardBy: 8)
        var response = ByteBuffer()
        response.writeInteger(context.header.correlationID)
        switch context.header.apiKey {
        case TestAPI.echo:
            response.writeImmutableBuffer(body)
        case TestAPI.sleepThenEcho:
            let millis = body.getInteger(at: body.readerIndex, as: UInt32.self) ?? 0
            do {
                try await Task.sleep(for: .milliseconds(Int(millis)))
            } catch {
                return .noResponse
            }
            response.writeImmutableBuffer(body)
        case TestAPI.blockThread:
            // NIOThreadPool names its threads "TP-#n"; Swift's cooperative pool does not.
            let onHandlerThread = currentThreadName().hasPrefix("TP-")
            state.withLockedValue {
                $0.threadsBlocked += 1
                if !onHandlerThread { $0.blockedOnCooperativePool += 1 }
            }
            let deadline = NIODeadline.now() + .seconds(10)
            while !state.withLockedValue({ $0.released }) && NIODeadline.now() < deadline { usleep(1_000) }
            response.writeImmutableBuffer(body)
        case TestAPI.noResponse:
            return .noResponse
        case TestAPI.large:
            let count = Int(body.getInteger(at: body.readerIndex, as: UInt32.self) ?? 0)
            response.writeRepeatingByte(0, count: count)
        default:
            return .close(reason: "unknown API key \(context.header.apiKey)")
        }
        return .send(response)
    }
}

/// Log handler that keeps every message, to assert on log lines.
struct CapturingLogHandler: LogHandler {
    let records: NIOLockedValueBox<[String]>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        records.withLockedValue { $0.append("\(event.level) \(event.message) \(rendered)") }
    }
}

struct ConnectionClosedEarly: Error {}

/// Builds a request frame: size prefix, apiKey, apiVersion, correlation id, body.
func makeFrame(apiKey: Int16, apiVersion: Int16 = 0, correlationID: Int32, body: [UInt8] = []) -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.writeInteger(Int32(8 + body.count))
    buffer.writeInteger(apiKey)
    buffer.writeInteger(apiVersion)
    buffer.writeInteger(correlationID)
    buffer.writeBytes(body)
    return buffer
}

func uint32Body(_ value: UInt32, padding: Int = 0) -> [UInt8] {
    var buffer = ByteBuffer()
    buffer.writeInteger(value)
    buffer.writeRepeatingByte(7, count: padding)
    return Array(buffer.readableBytesView)
}

/// A loopback client over a NIO channel that collects what it receives.
final class TestClient: Sendable {
    private struct State {
        var received = ByteBuffer()
        var closed = false
    }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let state: NIOLockedValueBox<State>
        init(state: NIOLockedValueBox<State>) { self.state = state }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = Self.unwrapInboundIn(data)
            _ = state.withLockedValue { $0.received.writeBuffer(&bytes) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            state.withLockedValue { $0.closed = true }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }

    let channel: any Channel
    private let state: NIOLockedValueBox<State>

    private init(channel: any Channel, state: NIOLockedValueBox<State>) {
        self.channel = channel
        self.state = state
    }

    /// - Parameter autoRead: false makes a client that never reads its socket (for back-pressure tests).
    static func connect(port: Int, autoRead: Bool = true, receiveBufferBytes: Int? = nil) async throws -> TestClient {
        let state = NIOLockedValueBox(State())
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.autoRead, value: autoRead)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
        if let receiveBufferBytes {
            bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBufferBytes))
        }
        let channel = try await bootstrap.channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(Collector(state: state))
            }
        }.connect(host: "127.0.0.1", port: port).get()
        return TestClient(channel: channel, state: state)
    }

    /// The client's `host:port`, as the server names it.
    var localAddress: String {
        guard let address = channel.localAddress, let ip = address.ipAddress, let port = address.port else {
            return "?"
        }
        return "\(ip):\(port)"
    }

    func send(_ buffer: ByteBuffer) async throws {
        try await channel.writeAndFlush(buffer)
    }

    func send(_ bytes: [UInt8]) async throws {
        try await send(ByteBuffer(bytes: bytes))
    }

    /// Writes without waiting for the write to complete (it may stay queued if the server stops reading).
    func sendWithoutWaiting(_ buffer: ByteBuffer) {
        channel.writeAndFlush(buffer, promise: nil)
    }

    /// The next response frame without its size prefix.
    func readFrame(timeout: Duration = .seconds(5)) async throws -> ByteBuffer {
        // nil: not yet; .some(nil): the connection closed first; .some(frame): a whole frame.
        let outcome: ByteBuffer? = try await poll("a response frame", timeout: timeout, every: .milliseconds(2)) {
            state.withLockedValue { state -> ByteBuffer?? in
                if let size = state.received.getInteger(at: state.received.readerIndex, as: Int32.self),
                    state.received.readableBytes >= 4 + Int(size)
                {
                    state.received.moveReaderIndex(forwardBy: 4)
                    return .some(state.received.readSlice(length: Int(size)))
                }
                return state.closed ? .some(nil) : nil
            }
        }
        guard let frame = outcome else { throw ConnectionClosedEarly() }
        return frame
    }

    /// Reads a response and returns its correlation id and the rest.
    func readResponse(timeout: Duration = .seconds(5)) async throws -> (correlationID: Int32, body: [UInt8]) {
        var frame = try await readFrame(timeout: timeout)
        let correlationID = frame.readInteger(as: Int32.self) ?? -1
        return (correlationID, Array(frame.readableBytesView))
    }

    var isClosed: Bool { state.withLockedValue { $0.closed } }

    func waitUntilClosed(timeout: Duration = .seconds(5)) async -> Bool {
        (try? await pollUntil("the server closes the connection", timeout: timeout) { isClosed }) != nil
    }

    func close() async {
        try? await channel.close()
    }
}

/// Starts a server on 127.0.0.1:0 with `handler`, runs `body`, and always shuts the server down.
func withServer<Result>(
    _ configure: (inout SocketServerConfiguration) -> Void = { _ in },
    handler: any KafkaRequestHandler = TestRequestHandler(),
    logger: Logger = Logger(label: "test.network", factory: { _ in SwiftLogNoOpLogHandler() }),
    _ body: (SocketServer, Int) async throws -> Result
) async throws -> Result {
    var configuration = SocketServerConfiguration(
        listeners: [.init(host: "127.0.0.1", port: 0)],
        numNetworkThreads: 2,
        numIOThreads: 2
    )
    configure(&configuration)
    let server = try SocketServer(configuration: configuration, handler: handler, logger: logger)
    let bound = try await server.start()
    do {
        let result = try await body(server, bound[0].port)
        await server.shutdown()
        return result
    } catch {
        await server.shutdown()
        throw error
    }
}

/// The calling thread's name, from `/proc/thread-self/comm` (Linux).
func currentThreadName() -> String {
    guard let file = fopen("/proc/thread-self/comm", "r") else { return "" }
    defer { fclose(file) }
    var buffer = [UInt8](repeating: 0, count: 64)
    let count = fread(&buffer, 1, buffer.count, file)
    return String(decoding: buffer[..<count].prefix { $0 != 10 }, as: UTF8.self)
}
