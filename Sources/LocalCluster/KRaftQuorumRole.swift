/// A KRaft controller's Raft state as `cluster status` reports it: the last "Transitioned to …" line
/// the node logged since it last started (Kafka 3.3's `QuorumState` logs every transition; ZKafka's
/// `RaftQuorumNode` logs "Transitioned to leader at epoch 3", "Transitioned to follower at epoch 3
/// (leader 3002)"), or what the process table says when the process is not running.
///
/// It is each node's own view, on purpose: a paused old leader still says "leader" in its old epoch
/// while the others have moved on, which is the split view the study tools are meant to show.
public struct KRaftQuorumRole: Codable, Sendable, Equatable {
    /// `leader`, `follower`, `candidate`, `voted`, `unattached`, `resigned`; `starting` before the
    /// first transition; `paused` (SIGSTOP) or `down` (no process).
    public var role: String
    public var epoch: Int?
    /// The leader a follower follows.
    public var leaderID: Int?

    public init(role: String, epoch: Int? = nil, leaderID: Int? = nil) {
        self.role = role
        self.epoch = epoch
        self.leaderID = leaderID
    }

    public static let down = KRaftQuorumRole(role: "down")
    public static let paused = KRaftQuorumRole(role: "paused")
    public static let starting = KRaftQuorumRole(role: "starting")

    public var isLeader: Bool { role == "leader" }

    /// The line `KRaftNodeRunner` logs as a controller process starts: transitions before the last
    /// one belong to an earlier incarnation.
    static let startMarker = "Starting controller "
    static let transitionMarker = "Transitioned to "

    /// The latest state in `log` (a controller's process log, or its tail), `starting` if none.
    public static func latest(inLog log: String) -> KRaftQuorumRole {
        var lines = log.split(separator: "\n", omittingEmptySubsequences: true)
        if let start = lines.lastIndex(where: { $0.contains(startMarker) }) { lines = Array(lines[start...]) }
        for line in lines.reversed() {
            if let role = parse(transition: line) { return role }
        }
        return .starting
    }

    /// Parses "... Transitioned to follower at epoch 3 (leader 3002)".
    static func parse(transition line: Substring) -> KRaftQuorumRole? {
        guard let marker = line.range(of: transitionMarker) else { return nil }
        let words = line[marker.upperBound...].split(separator: " ")
        guard words.count >= 4, words[1] == "at", words[2] == "epoch", let epoch = Int(words[3]) else { return nil }
        var leader: Int?
        if words.count >= 6, words[4] == "(leader" { leader = Int(words[5].filter(\.isNumber)) }
        let role = String(words[0])
        return KRaftQuorumRole(role: role, epoch: epoch, leaderID: role == "leader" ? nil : leader)
    }
}
