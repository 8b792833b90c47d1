import KafkaRaftProtocol

/// The text `kafka-metadata-quorum.sh describe` prints (Kafka 3.3's `MetadataQuorumCommand`).
enum MetadataQuorumTable {
    static func status(_ p: DescribeQuorumResponse.PartitionData) -> String {
        let leader = p.currentVoters.first { $0.replicaId == p.leaderId }
        let leaderEnd = leader?.logEndOffset ?? p.highWatermark
        let laggiest = p.currentVoters.max { (leaderEnd - $0.logEndOffset) < (leaderEnd - $1.logEndOffset) }
        let maxLag = laggiest.map { leaderEnd - $0.logEndOffset } ?? 0
        var maxLagTime: Int64 = -1
        if let laggiest, let leader {
            if laggiest.replicaId == leader.replicaId {
                maxLagTime = 0
            } else if leader.lastCaughtUpTimestamp >= 0 && laggiest.lastCaughtUpTimestamp >= 0 {
                maxLagTime = leader.lastCaughtUpTimestamp - laggiest.lastCaughtUpTimestamp
            }
        }
        let rows: [(String, String)] = [
            ("LeaderId:", "\(p.leaderId)"), ("LeaderEpoch:", "\(p.leaderEpoch)"), ("HighWatermark:", "\(p.highWatermark)"),
            ("MaxFollowerLag:", "\(maxLag)"), ("MaxFollowerLagTimeMs:", "\(maxLagTime)"),
            ("CurrentVoters:", "[\(p.currentVoters.map { String($0.replicaId) }.joined(separator: ","))]"),
            ("CurrentObservers:", "[\(p.observers.map { String($0.replicaId) }.joined(separator: ","))]"),
        ]
        return rows.map { $0.0.padding(toLength: 24) + $0.1 }.joined(separator: "\n")
    }

    static func replication(_ p: DescribeQuorumResponse.PartitionData) -> String {
        let leaderEnd = p.currentVoters.first { $0.replicaId == p.leaderId }?.logEndOffset ?? p.highWatermark
        let leaderFirst = p.currentVoters.filter { $0.replicaId == p.leaderId }
            + p.currentVoters.filter { $0.replicaId != p.leaderId }
        var rows = [["NodeId", "LogEndOffset", "Lag", "LastFetchTimestamp", "LastCaughtUpTimestamp", "Status"]]
        for replica in leaderFirst {
            rows.append(row(replica, leaderEnd: leaderEnd, status: replica.replicaId == p.leaderId ? "Leader" : "Follower"))
        }
        for replica in p.observers { rows.append(row(replica, leaderEnd: leaderEnd, status: "Observer")) }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { $0.padding(toLength: $1 + 2) }.joined().trimmingTrailingSpaces()
        }.joined(separator: "\n")
    }

    private static func row(_ r: DescribeQuorumResponse.ReplicaState, leaderEnd: Int64, status: String) -> [String] {
        ["\(r.replicaId)", "\(r.logEndOffset)", "\(leaderEnd - r.logEndOffset)", "\(r.lastFetchTimestamp)",
         "\(r.lastCaughtUpTimestamp)", status]
    }
}

extension String {
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self + " " : self + String(repeating: " ", count: length - count)
    }

    fileprivate func trimmingTrailingSpaces() -> String {
        var text = Substring(self)
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
