import Logging
import NIOCore

/// A request travelling from a processor, through the ``RequestChannel``, to a handler (Kafka's
/// `RequestChannel.Request`). The response goes back as a ``ResponseAction`` written into `channel`, which the
/// connection's ``ConnectionHandler`` receives on its event loop.
struct NetworkRequest: Sendable {
    var frame: ByteBuffer
    var context: RequestContext
    var channel: any Channel
    var logger: Logger
    /// When the processor read the frame (`NIODeadline` uptime), for the request time metrics.
    var receivedAtNanoseconds: UInt64 = 0
}
