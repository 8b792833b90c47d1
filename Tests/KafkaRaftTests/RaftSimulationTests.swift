import Foundation
import KafkaRaft
import Testing

/// Thousands of seeded schedules of the deterministic simulation. `KRAFT_SIM_SCHEDULES` runs more
/// (or fewer), `KRAFT_SIM_FIRST_SEED` moves the window, `KRAFT_SIM_SEED` replays one schedule.
@Suite(.tags(.unit)) struct RaftSimulationTests {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    @Test func seededSchedules_keepSafetyAndLiveness() {
        let environment = Self.environment
        let seeds: [UInt64]
        if let one = environment["KRAFT_SIM_SEED"].flatMap(UInt64.init) {
            seeds = [one]
        } else {
            let count = environment["KRAFT_SIM_SCHEDULES"].flatMap(UInt64.init) ?? 3000
            let first = environment["KRAFT_SIM_FIRST_SEED"].flatMap(UInt64.init) ?? 1
            seeds = Array(first..<(first + count))
        }
        let started = ContinuousClock.now
        var failures: [RaftSimulation.Outcome] = []
        var events = 0
        var committed = 0
        var virtualMs: Int64 = 0
        var statistics = RaftSimulation.Statistics()
        for seed in seeds {
            let simulation = RaftSimulation(seed: seed)
            simulation.trace = environment["KRAFT_SIM_TRACE"] == "1"
            let outcome = simulation.run()
            events += outcome.events
            committed += outcome.committedRecords
            virtualMs += outcome.finalTimeMs
            statistics.add(outcome.statistics)
            if outcome.violation != nil { failures.append(outcome) }
        }
        let elapsed = ContinuousClock.now - started
        print("KRaft simulation: \(seeds.count) schedules, \(events) events, \(committed) committed records, \(virtualMs / 1000) virtual s, \(elapsed) wall; \(statistics)")
        for failure in failures.prefix(5) {
            Issue.record("seed \(failure.seed) (\(failure.parameters)) at \(failure.finalTimeMs) ms: \(failure.violation!)")
        }
        #expect(failures.isEmpty, "\(failures.count) of \(seeds.count) schedules failed")
    }
}
