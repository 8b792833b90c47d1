/// A failed file operation of the Raft storage shell: what was attempted, on which path, and errno.
public struct RaftStorageError: Error, CustomStringConvertible, Sendable {
    public var operation: String
    public var path: String
    public var errno: Int32?
    public var reason: String?

    public init(operation: String, path: String, errno: Int32? = nil, reason: String? = nil) {
        self.operation = operation
        self.path = path
        self.errno = errno
        self.reason = reason
    }

    public var description: String {
        "\(operation) \(path) failed" + (errno.map { " (errno \($0))" } ?? "") + (reason.map { ": \($0)" } ?? "")
    }
}
