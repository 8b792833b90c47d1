import ArgumentParser
import ChaosTesting
import Foundation
import LocalCluster

/// `zkafka chaos`: seeded fault injection against a local cluster under an acks=all producer, ending in a verdict.
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Inject seeded faults into a local cluster under an acks=all producer; verify nothing acknowledged is lost.",
        discussion: """
            Brings up 3 ZooKeeper servers and 3 brokers in DIR, creates topic 'chaos' (3 partitions, RF 3, \
            min.insync.replicas=2) and produces to it with confluent-kafka (acks=all, through /usr/bin/python3) \
            throughout. Each round the nemesis injects one fault — kill -9 of a leader, a follower or the \
            controller, a quick bounce, a SIGSTOP past the ZooKeeper session timeout, a crash of every broker at \
            once, a kill of a leader and then of its newly elected successor, or a network partition cutting a \
            leader off from ZooKeeper and its peers (iptables matching cgroups; needs root, else that fault is left \
            out) — and waits for every partition to have a leader and a full ISR again. Every fault kind runs once before any repeats; the order \
            comes from --seed. At the end everything is started, the producer flushed, the topic read back, and \
            the verdict printed: records acknowledged, found at their acknowledged offsets, missing, duplicated, \
            whether every replica's log is byte-identical, the time to full ISRs, and each round's fault and \
            recovery time. Exit status 1 when anything acknowledged was lost, replicas differ or a round never \
            recovered. See docs/robustness.md.
            """
    )

    @Option(name: .customLong("dir"), help: "The cluster directory (default: a new temporary folder).")
    var directory: String?

    @Option(help: "Fault rounds (the default runs every fault kind once).")
    var rounds: Int = NemesisFault.allCases.count

    @Option(help: "Seed of the fault schedule.")
    var seed: UInt64 = 1

    @Option(help: "Seconds after which no new round starts.")
    var duration: Int = 3_600

    @Option(help: "Seconds a killed broker stays down before it is started again.")
    var holdSeconds: Int = 3

    @Flag(help: "Leave the cluster running at the end.")
    var keep = false

    func validate() throws {
        guard rounds >= 0 else { throw ValidationError("--rounds must not be negative, got \(rounds)") }
        guard duration > 0 else { throw ValidationError("--duration must be positive, got \(duration)") }
        guard holdSeconds >= 0 else { throw ValidationError("--hold-seconds must not be negative, got \(holdSeconds)") }
    }

    func run() async throws {
        if let reason = DemoTraffic.unavailableReason() {
            throw ValidationError("zkafka chaos needs a Kafka client to produce with: \(reason)")
        }
        let directory = directory ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("zkafka-chaos-\(UUID().uuidString.prefix(8).lowercased())").path
        let cluster = LocalCluster(directory: directory)
        var kinds = NemesisFault.allCases
        ChaosNetworkPartition.removeStale()
        if let reason = ChaosNetworkPartition.unavailableReason() {
            print("zkafka chaos: no network partitions on this machine (\(reason))")
            kinds.removeAll { $0 == .partitionBroker }
        }
        let schedule = NemesisSchedule(seed: seed, rounds: rounds, kinds: kinds)
        print("zkafka chaos: seed \(seed), \(rounds) rounds: \(schedule.faults.map(\.rawValue).joined(separator: ", "))")
        let run = ChaosRun(
            cluster: cluster, schedule: schedule, seed: seed, budget: .seconds(duration), hold: .seconds(holdSeconds))
        let outcome: ChaosRun.Outcome
        do {
            // Ctrl-C and SIGTERM tear the cluster down (ClusterInterruption).
            outcome = try await ClusterInterruption.run(cluster: cluster) {
                try await run.run { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
            }
        } catch {
            FileHandle.standardError.write(Data("chaos: the run stopped: \(error) (logs stay in \(directory))\n".utf8))
            try? cluster.down()
            throw ExitCode.failure
        }
        if !keep { try? cluster.down() }
        let verdict = outcome.verdict
        print("")
        print("Verdict (seed \(seed))")
        print("  acknowledged      \(verdict.acknowledged)")
        print("  found at offset   \(verdict.foundAtOffset)")
        print("  missing           \(verdict.missing.count)" + (verdict.missing.isEmpty ? "" : "  e.g. " + verdict.missing.prefix(3).map { "\($0.partition)/\($0.offset) \($0.value)" }.joined(separator: ", ")))
        print("  duplicated        \(verdict.duplicated)  (retried sends stored twice; at-least-once without idempotence)")
        print("  consumed          \(verdict.consumed)")
        print("  replicas          " + (outcome.divergentPartitions.isEmpty ? "byte-identical" : "DIVERGENT: " + outcome.divergentPartitions.joined(separator: "; ")))
        if let failure = outcome.producerFailure { print("  producer          DIED: \(failure)") }
        print("  full ISRs after   " + (outcome.secondsToFullISRs.map { String(format: "%.1f s", $0) } ?? "never (180 s)"))
        print("")
        print("round  fault            fault s  recovery s  acknowledged  target  (recovery: from the fault's start to full ISRs)")
        for (index, round) in outcome.rounds.enumerated() {
            print(String(format: "%5d  %-16@ %7.1f  %10@  %12d  %@", index + 1, round.fault.rawValue, round.faultSeconds,
                         round.recoverySeconds.map { String(format: "%.1f", $0) } ?? "never", round.acknowledgedDuring, round.detail))
        }
        print("")
        print(outcome.passed ? "chaos: PASSED — no acknowledged record lost, replicas identical" : "chaos: FAILED")
        if keep { print("Cluster left running in \(directory); stop it with: zkafka cluster down --dir \(directory)") }
        if !outcome.passed { throw ExitCode.failure }
    }
}
