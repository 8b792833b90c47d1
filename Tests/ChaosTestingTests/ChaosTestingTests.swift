import Testing

@testable import ChaosTesting

@Suite(.tags(.unit)) struct NemesisScheduleTests {
    @Test func sameSeed_sameFaults_everyKindBeforeARepeat() {
        let a = NemesisSchedule(seed: 5, rounds: 10)
        #expect(a == NemesisSchedule(seed: 5, rounds: 10))
        #expect(a != NemesisSchedule(seed: 6, rounds: 10))
        #expect(Set(a.faults.prefix(NemesisFault.allCases.count)) == Set(NemesisFault.allCases))
        #expect(a.faults.count == 10)
        #expect(NemesisSchedule(seed: 1, rounds: 0).faults.isEmpty)
    }
}

@Suite(.tags(.unit)) struct ChaosVerdictTests {
    func record(_ partition: Int32, _ offset: Int64, _ value: String) -> StoredRecord {
        StoredRecord(partition: partition, offset: offset, value: value)
    }

    @Test func everyAcknowledgedRecordAtItsOffset_nothingMissing() {
        let acknowledged = [record(0, 0, "a"), record(1, 0, "b")]
        let verdict = ChaosVerdict(acknowledged: acknowledged, consumed: acknowledged + [record(0, 1, "unacknowledged")])
        #expect(verdict.lostNothing)
        #expect(verdict.foundAtOffset == 2 && verdict.consumed == 3 && verdict.duplicated == 0)
    }

    /// A record acknowledged at offset 5 and later truncated away, another record now at offset 5: lost, even
    /// though offset 5 exists (what KIP-101's scenarios lose).
    @Test func anotherValueAtTheAcknowledgedOffset_isMissing() {
        let verdict = ChaosVerdict(acknowledged: [record(0, 5, "acked")], consumed: [record(0, 5, "other")])
        #expect(verdict.missing == [record(0, 5, "acked")])
        #expect(!verdict.lostNothing)
    }

    @Test func retriedRecordStoredTwice_isCountedDuplicated_notMissing() {
        let verdict = ChaosVerdict(acknowledged: [record(0, 1, "x")], consumed: [record(0, 0, "x"), record(0, 1, "x")])
        #expect(verdict.lostNothing)
        #expect(verdict.duplicated == 1)
    }

    @Test func replicaLogs_divergentOnesNamed() {
        #expect(ReplicaLogComparison.divergent([1: [1, 2, 3], 2: [1, 2, 3], 3: [1, 2, 3]]).isEmpty)
        #expect(ReplicaLogComparison.divergent([1: [1, 2, 3], 2: [1, 2], 3: [1, 2, 3]]) == [2])
    }
}

@Suite(.tags(.unit)) struct NetworkPartitionRulesTests {
    @Test func cutsTheIsolatedBrokersOutgoingTrafficButItsListener_andThePeersTrafficToIt() {
        let rules = NetworkPartitionRules(chain: "ZKCHAOS-7", isolatedCgroup: "zkchaos-7/isolated", peersCgroup: "zkchaos-7/peers", brokerPort: 9092)
        #expect(rules.cut.first == ["-N", "ZKCHAOS-7"])
        #expect(rules.cut.last == ["-I", "OUTPUT", "-j", "ZKCHAOS-7"])
        #expect(rules.cut.contains(["-A", "ZKCHAOS-7", "-p", "tcp", "-m", "cgroup", "--path", "zkchaos-7/isolated", "!", "--sport", "9092", "-j", "DROP"]))
        #expect(rules.cut.contains(["-A", "ZKCHAOS-7", "-p", "tcp", "-m", "cgroup", "--path", "zkchaos-7/peers", "--dport", "9092", "-j", "DROP"]))
        #expect(rules.cut.count == 4)
        // Healing unhooks the chain before emptying and deleting it.
        #expect(rules.heal == [["-D", "OUTPUT", "-j", "ZKCHAOS-7"], ["-F", "ZKCHAOS-7"], ["-X", "ZKCHAOS-7"]])
    }

    @Test func openConnections_ofTheIsolatedBrokerAndThePeersToIt_areCutBothWays_clientsAreNot() {
        let output = """
            ESTAB 0      0      127.0.0.1:40001 127.0.0.1:2181 users:(("zkafka",pid=10,fd=5))
            ESTAB 0      0      127.0.0.1:9092 127.0.0.1:50000 users:(("zkafka",pid=10,fd=9))
            ESTAB 0      0      127.0.0.1:9092 127.0.0.1:50001 users:(("zkafka",pid=10,fd=10))
            ESTAB 0      0      127.0.0.1:50001 127.0.0.1:9092 users:(("zkafka",pid=20,fd=7))
            ESTAB 0      0      127.0.0.1:40002 127.0.0.1:2181 users:(("zkafka",pid=20,fd=5))
            ESTAB 0      0      127.0.0.1:50000 127.0.0.1:9092 users:(("python3",pid=30,fd=3),("python3",pid=31,fd=3))
            LISTEN 0 0 127.0.0.1:9092 0.0.0.0:*
            """
        let sockets = ProcessSocket.parse(output)
        #expect(sockets.count == 6)
        #expect(sockets.last?.pids == [30, 31])
        let pairs = NetworkPartitionRules.connectionsToCut(sockets, isolated: 10, peers: [20], brokerPort: 9092)
        // Its ZooKeeper session and the peer's fetch connection to it; not the client's (port 50000), not the
        // peer's own ZooKeeper session.
        #expect(pairs == [.init(local: 40001, remote: 2181), .init(local: 50001, remote: 9092)])
        let rules = NetworkPartitionRules(chain: "C", isolatedCgroup: "i", peersCgroup: "p", brokerPort: 9092, connections: pairs)
        #expect(rules.cut.contains(["-A", "C", "-p", "tcp", "--sport", "40001", "--dport", "2181", "-j", "DROP"]))
        #expect(rules.cut.contains(["-A", "C", "-p", "tcp", "--sport", "2181", "--dport", "40001", "-j", "DROP"]))
        #expect(rules.cut.last == ["-I", "OUTPUT", "-j", "C"])
    }

    @Test func scheduleWithoutPartitions_neverSchedulesOne_andAnEmptyKindListSchedulesNothing() {
        let kinds = NemesisFault.allCases.filter { $0 != .partitionBroker }
        let schedule = NemesisSchedule(seed: 5, rounds: 20, kinds: kinds)
        #expect(schedule.faults.count == 20)
        #expect(!schedule.faults.contains(.partitionBroker))
        #expect(NemesisSchedule(seed: 5, rounds: 3, kinds: []).faults.isEmpty)
    }
}
