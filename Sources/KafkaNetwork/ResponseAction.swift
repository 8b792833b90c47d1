import NIOCore

/// What the network layer does with a connection once the application has handled its current request.
public enum ResponseAction: Sendable {
    /// Send this response frame. The buffer holds response header + body WITHOUT the size prefix; the layer
    /// prefixes it. The connection is unmuted once the bytes have been written to the socket.
    case send(ByteBuffer)
    /// Send nothing (Produce with acks=0) and unmute the connection at once.
    case noResponse
    /// Log the reason (naming the client) and close this connection only.
    case close(reason: String)
}
