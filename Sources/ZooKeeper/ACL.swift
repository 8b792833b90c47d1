/// A ZooKeeper access control entry: permissions granted to an identity under a scheme.
public struct ACL: Sendable, Hashable {
    /// The permission bits (the C client's `ZOO_PERM_*`).
    public struct Permissions: OptionSet, Sendable, Hashable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let read = Permissions(rawValue: 1 << 0)
        public static let write = Permissions(rawValue: 1 << 1)
        public static let create = Permissions(rawValue: 1 << 2)
        public static let delete = Permissions(rawValue: 1 << 3)
        public static let admin = Permissions(rawValue: 1 << 4)
        public static let all: Permissions = [.read, .write, .create, .delete, .admin]
    }

    public var permissions: Permissions
    /// `world`, `auth`, `digest`, `ip`, ...
    public var scheme: String
    /// The identity within the scheme: `anyone` for `world`, `user:base64(sha1(user:password))` for `digest`.
    public var id: String

    public init(permissions: Permissions, scheme: String, id: String) {
        self.permissions = permissions
        self.scheme = scheme
        self.id = id
    }

    /// `ZOO_OPEN_ACL_UNSAFE`: everyone may do everything (what Kafka uses without `zookeeper.set.acl`).
    public static let openUnsafe: [ACL] = [ACL(permissions: .all, scheme: "world", id: "anyone")]
    /// `ZOO_READ_ACL_UNSAFE`: everyone may read.
    public static let readUnsafe: [ACL] = [ACL(permissions: .read, scheme: "world", id: "anyone")]
    /// `ZOO_CREATOR_ALL_ACL`: all permissions for the identities the creating session authenticated as.
    public static let creatorAll: [ACL] = [ACL(permissions: .all, scheme: "auth", id: "")]

    /// A `digest` ACL entry for `user:password`, as ZooKeeper's `DigestAuthenticationProvider`
    /// computes it: `user:base64(sha1("user:password"))`.
    public static func digest(user: String, password: String, permissions: Permissions = .all) -> ACL {
        let hash = SHA1.hash(Array("\(user):\(password)".utf8))
        return ACL(permissions: permissions, scheme: "digest", id: "\(user):\(Base64.encode(hash))")
    }
}
