/// Formatting, or checking the format of, a KRaft node's storage failed; the message says why.
public struct KRaftStorageError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
