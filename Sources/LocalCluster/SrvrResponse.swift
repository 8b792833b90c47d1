import Foundation

/// The parts of ZooKeeper's `srvr` four-letter-word answer the launcher needs. A serving server
/// answers lines such as `Zookeeper version: ...` and `Mode: follower`; a server without a quorum
/// answers `This ZooKeeper instance is not currently serving requests`.
public struct SrvrResponse: Sendable, Equatable {
    /// nil when the server answered but named no mode it serves in.
    public let mode: ZooKeeperServerMode?
    public let zxid: String?

    public init(parsing text: String) {
        var mode: ZooKeeperServerMode?
        var zxid: String?
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            switch key {
            case "Mode":
                // "read-only" mode is a partitioned server serving stale reads: not a quorum member.
                mode = ZooKeeperServerMode(rawValue: value).flatMap { $0.isServing ? $0 : nil }
            case "Zxid": zxid = value
            default: continue
            }
        }
        self.mode = mode
        self.zxid = zxid
    }
}
