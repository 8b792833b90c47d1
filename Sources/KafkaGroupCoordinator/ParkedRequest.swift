/// A request the shell holds until the group answers it, named by an opaque token the shell maps
/// to the waiting request (Kafka keeps the response callback on the member instead).
public struct ParkedRequest: Sendable, Hashable {
    public var token: UInt64
    public init(token: UInt64) { self.token = token }
}
