/// Why the network layer (or the client) ended a connection; the key of ``SocketServerMetrics/connectionsClosed``.
public enum ConnectionCloseReason: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The client closed the connection (end of stream or reset).
    case clientDisconnected = "client-disconnected"
    /// No traffic for `connections.max.idle.ms`.
    case idle
    /// A size prefix above `socket.request.max.bytes`.
    case oversizedFrame = "oversized-frame"
    /// A negative size prefix.
    case negativeFrameSize = "negative-frame-size"
    /// A frame too short to hold apiKey, apiVersion and correlation id.
    case malformedRequest = "malformed-request"
    /// The application returned ``ResponseAction/close(reason:)`` (malformed body, unknown API key, ...).
    case handlerRequested = "handler-requested"
    /// A socket error.
    case ioError = "io-error"
    /// The server shut down.
    case shutdown

    public var description: String { rawValue }
}
