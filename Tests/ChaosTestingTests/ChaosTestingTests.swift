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
