import SeededRandom

/// One fault the chaos nemesis injects into a local cluster, in the spirit of Kafka's system tests and Jepsen's
/// Kafka analysis: processes die (kill -9), bounce, hang past their ZooKeeper session, or all die at once, and a broker
/// is cut off from ZooKeeper and its peers by a network partition.
public enum NemesisFault: String, Sendable, Hashable, CaseIterable, Codable {
    /// kill -9 the leader of a partition of the topic; restarted after the hold.
    case killLeader = "kill-leader"
    /// kill -9 a broker that follows (leads none of the topic's partitions if one exists); restarted after the hold.
    case killFollower = "kill-follower"
    /// kill -9 the active controller; restarted after the hold.
    case killController = "kill-controller"
    /// kill -9 a broker and start it again at once (faster than its session expires: the controller sees a
    /// bounce, a newer broker epoch).
    case bounceBroker = "bounce-broker"
    /// SIGSTOP a broker past `zookeeper.session.timeout.ms`, then SIGCONT: a zombie whose session expired while it
    /// still believed it led partitions.
    case pauseBroker = "pause-broker"
    /// kill -9 every broker at once (a power cut), then start them all.
    case crashCluster = "crash-cluster"
    /// kill -9 a leader, wait for the controller to elect a new one, kill -9 that one right away.
    case killNewLeader = "kill-new-leader"
    /// Cut a partition leader off from ZooKeeper and from the other brokers past the session timeout — clients still
    /// reach it, so it keeps receiving acks=all produce requests it cannot commit — then heal the partition.
    case partitionBroker = "partition-broker"

    /// What the nemesis does, for the per-round line of the verdict.
    public var summary: String {
        switch self {
        case .killLeader: "kill -9 a partition leader"
        case .killFollower: "kill -9 a follower"
        case .killController: "kill -9 the active controller"
        case .bounceBroker: "kill -9 a broker and restart it at once"
        case .pauseBroker: "SIGSTOP a broker past its session timeout, then SIGCONT"
        case .crashCluster: "kill -9 every broker at once, then restart all"
        case .killNewLeader: "kill -9 a leader, then the newly elected leader"
        case .partitionBroker: "cut a leader off from ZooKeeper and its peers past its session timeout, then heal"
        }
    }
}

/// The seeded sequence of faults of a chaos run: the same seed and round count give the same faults, so a failing
/// run is replayed exactly. Every fault kind appears once before any repeats (when rounds allow), in an order the
/// seed decides, so a short run still covers them all.
public struct NemesisSchedule: Sendable, Hashable {
    public let faults: [NemesisFault]

    /// `kinds` leaves out faults this machine cannot inject (a network partition needs root, iptables and cgroup v2).
    public init(seed: UInt64, rounds: Int, kinds: [NemesisFault] = NemesisFault.allCases) {
        var random = SplitMix64(seed: seed)
        var faults: [NemesisFault] = []
        while !kinds.isEmpty && faults.count < rounds {
            faults += kinds.shuffled(using: &random)
        }
        self.faults = Array(faults.prefix(max(0, rounds)))
    }
}
