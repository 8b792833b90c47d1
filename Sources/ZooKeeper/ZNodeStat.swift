internal import CZooKeeper

/// A znode's metadata (the C client's `struct Stat`).
public struct ZNodeStat: Sendable, Equatable, Hashable {
    /// The zxid of the change that created the znode. Kafka uses a broker znode's czxid as the broker epoch.
    public var czxid: Int64
    /// The zxid of the last change to the data.
    public var mzxid: Int64
    /// Creation time, milliseconds since the epoch.
    public var ctime: Int64
    /// Last modification time, milliseconds since the epoch.
    public var mtime: Int64
    /// The data version: what conditional writes (`setData(version:)`, Kafka's zkVersion) compare against.
    public var version: Int32
    /// The children version.
    public var cversion: Int32
    /// The ACL version.
    public var aversion: Int32
    /// The owning session id for an ephemeral znode, 0 otherwise.
    public var ephemeralOwner: Int64
    public var dataLength: Int32
    public var numChildren: Int32
    /// The zxid of the last change to the children.
    public var pzxid: Int64

    public init(
        czxid: Int64 = 0, mzxid: Int64 = 0, ctime: Int64 = 0, mtime: Int64 = 0, version: Int32 = 0,
        cversion: Int32 = 0, aversion: Int32 = 0, ephemeralOwner: Int64 = 0, dataLength: Int32 = 0,
        numChildren: Int32 = 0, pzxid: Int64 = 0
    ) {
        self.czxid = czxid
        self.mzxid = mzxid
        self.ctime = ctime
        self.mtime = mtime
        self.version = version
        self.cversion = cversion
        self.aversion = aversion
        self.ephemeralOwner = ephemeralOwner
        self.dataLength = dataLength
        self.numChildren = numChildren
        self.pzxid = pzxid
    }

    /// Whether the znode is ephemeral (owned by a session).
    public var isEphemeral: Bool { ephemeralOwner != 0 }

    init(_ stat: Stat) {
        self.init(
            czxid: stat.czxid, mzxid: stat.mzxid, ctime: stat.ctime, mtime: stat.mtime, version: stat.version,
            cversion: stat.cversion, aversion: stat.aversion, ephemeralOwner: stat.ephemeralOwner,
            dataLength: stat.dataLength, numChildren: stat.numChildren, pzxid: stat.pzxid)
    }
}
