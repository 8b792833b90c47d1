/// A Raft message in flight: who sent it, to whom, and the correlation id pairing a response with
/// its request (a response is only acted on while its request is still the outstanding one).
public struct RaftEnvelope: Sendable, Equatable {
    public var source: Int32
    public var destination: Int32
    public var correlationId: Int32
    public var message: RaftMessage

    public init(source: Int32, destination: Int32, correlationId: Int32, message: RaftMessage) {
        self.source = source
        self.destination = destination
        self.correlationId = correlationId
        self.message = message
    }
}
