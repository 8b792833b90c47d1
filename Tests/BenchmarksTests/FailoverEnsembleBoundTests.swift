import Testing

@testable import Benchmarks

/// The failover's ensemble bound (`FailoverEnsembleBound`): its arithmetic, the write count read from the new
/// controller's log, and the table section that shows it.
@Suite(.tags(.unit)) struct FailoverEnsembleBoundTests {
    @Test func boundIsTheReadsPlusTheWritesAtTheMultiRate() {
        let bound = FailoverEnsembleBound(partitionStateReadSeconds: 7.5, multiWritesPerSecond: 12_500)
        #expect(abs(bound.seconds(writes: 100_000) - 15.5) < 1e-9)
        #expect(abs(bound.seconds(writes: 0) - 7.5) < 1e-9)
    }

    @Test func writesAreTheFirstEventLineAfterTheOffset() {
        let log = """
            [info] Initialized controller context in 9589 ms: 3 live brokers, 100 topics, 100000 partitions
            [info] Partition states of this event: 99990 written ahead (133324 state machine writes answered by them, 10 not planned, 0 put back), 0 reads answered from this event's writes, requests sent after 0 passes before the event ended
            [info] Started the state machines and queued their requests in 7813 ms
            [info] Partition states of this event: 5 written ahead (5 state machine writes answered by them, 0 not planned, 0 put back), 0 reads answered from this event's writes, requests sent after 1 passes before the event ended
            """
        #expect(FailoverEnsembleBound.failoverWrites(in: log) == 100_000)
        #expect(FailoverEnsembleBound.failoverWrites(in: "[info] Ready to serve as the new controller with epoch 3") == nil)
    }

    @Test func tableShowsTheRatioToReadsAndWrites() {
        var row = ControllerBenchmarkResult(partitions: 100_000)
        row.failoverMetadataSeconds = 19.0
        row.failoverStateReadSeconds = 7.0
        row.failoverMultiWritesPerSecond = 12_500
        row.failoverPartitionWrites = 100_000
        #expect(row.failoverEnsembleSeconds.map { abs($0 - 15.0) < 1e-9 } == true)
        #expect(row.failoverRatioToReadsAndWrites.map { abs($0 - 19.0 / 15.0) < 1e-9 } == true)
        let text = ControllerBenchmarkTable.render([row])
        #expect(text.contains("Failover against the ensemble on the populated tree"))
        #expect(text.contains("1.27×"))
        #expect(text.contains("15.00 s"))

        // Without the measurement (KRaft rows) the section is left out.
        #expect(!ControllerBenchmarkTable.render([ControllerBenchmarkResult(partitions: 1000)]).contains("populated tree"))
    }
}
