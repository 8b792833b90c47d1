import NIOCore

/// The application side of the network layer (Kafka's `KafkaApis`).
///
/// `handle` may suspend for as long as the request needs (a Fetch long-poll, an acks=all Produce waiting for
/// replicas): a suspended handler does not occupy a request handler worker. It must not block its thread.
/// Requests of one connection are handed over one at a time, in the order the client sent them.
public protocol KafkaRequestHandler: Sendable {
    /// - Parameters:
    ///   - request: the full frame without its size prefix (request header + body); at least 8 bytes.
    ///   - context: the connection and the parsed header prefix.
    func handle(_ request: ByteBuffer, context: RequestContext) async -> ResponseAction
}
