import ArgumentParser
import ControllerTraceReader
import Foundation
import LocalCluster

/// `zkafka demo`: a guided tour of the ZooKeeper-mode architecture on a real local cluster.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "A guided tour: election, topic creation, controller and leader failover, with real znodes.",
        discussion: """
            Brings up 3 ZooKeeper servers and 3 brokers, shows who won the controller election (/controller, \
            /controller_epoch, /brokers/ids), creates topic 'demo' (3 partitions, replication factor 3, min.insync.replicas=2) by \
            writing /config/topics/demo and /brokers/topics/demo, starts an acks=all producer (confluent-kafka \
            through /usr/bin/python3, when installed), kills -9 the controller and then a partition leader, \
            restarts both, consumes the topic and counts acknowledged records missing from it, and prints the timeline of controller events and state transitions from the brokers' traces. The \
            cluster is torn down at the end (and on Ctrl-C) unless --keep is given.
            """
    )

    @Flag(help: "Leave the cluster running at the end, to explore with `zkafka trace`, zkCli or kcat.")
    var keep = false

    @Option(name: .customLong("dir"), help: "The cluster directory (default: a new temporary folder).")
    var directory: String?

    @Option(help: "zk (ZooKeeper mode, Kafka 2.8) or kraft (3 KRaft controllers and 3 brokers, Kafka 3.3).")
    var mode = "zk"

    @Flag(help: "Run the cluster in containers (as `zkafka cluster up --containers`; images from scripts/build_images.sh).")
    var containers = false

    @Option(help: "With --containers: docker or podman (default: the first that works).")
    var engine: String?

    func validate() throws {
        guard ClusterMode(parsing: mode) != nil else { throw ValidationError("--mode must be zk or kraft, not \(mode)") }
        if containers && ClusterMode(parsing: mode) == .kraft {
            throw ValidationError("--containers runs ZooKeeper mode only (no kraft compose profile yet)")
        }
        if let engine {
            guard containers else { throw ValidationError("--engine \(engine) needs --containers") }
            guard ["docker", "podman"].contains(engine) else { throw ValidationError("--engine must be docker or podman, not \(engine)") }
        }
    }

    func run() async throws {
        let directory = directory ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("zkafka-demo-\(UUID().uuidString.prefix(8).lowercased())").path
        let cluster = LocalCluster(directory: directory)
        var tour = DemoTour(cluster: cluster, narrator: DemoNarrator())
        tour.containers = containers
        tour.engine = engine
        let (keep, mode, configured) = (keep, mode, tour)
        // Ctrl-C and SIGTERM tear the cluster down (ClusterInterruption).
        try await ClusterInterruption.run(cluster: cluster) {
            try await Self.tour(configured, cluster: cluster, keep: keep, mode: mode)
        }
    }

    private static func tour(_ tour: DemoTour, cluster: LocalCluster, keep: Bool, mode: String) async throws {
        do {
            if ClusterMode(parsing: mode) == .kraft {
                try await KRaftDemoTour(cluster: cluster, narrator: tour.narrator).run()
            } else {
                try await tour.run()
            }
        } catch {
            tour.narrator.problem("The demo stopped: \(error)")
            tour.narrator.say("Tearing the cluster down (logs stay in \(cluster.directory)).")
            try? cluster.down()
            throw ExitCode.failure
        }
        if keep && ClusterMode(parsing: mode) == .kraft {
            tour.narrator.step("The cluster keeps running (--keep)")
            tour.narrator.say("""
                Explore it:
                  zkafka cluster status --dir \(cluster.directory)
                  zkafka trace --dir \(cluster.directory)
                  zkafka cluster kill --dir \(cluster.directory) --controller 3001
                Stop it with:
                  zkafka cluster down --dir \(cluster.directory)
                """)
        } else if keep {
            tour.printExploreHints()
        } else {
            tour.narrator.step("Tear down")
            try cluster.down()
            tour.narrator.say("Every process of \(cluster.directory) is stopped; its data and logs stay there.")
            tour.narrator.say("Run with --keep to leave the cluster up for exploring.")
        }
    }
}

/// Prints the tour: numbered steps, explanations, znodes.
struct DemoNarrator: Sendable {
    private let counter = StepCounter()

    func step(_ title: String) {
        let number = counter.next()
        write("\n━━ Step \(number): \(title) " + String(repeating: "━", count: max(4, 70 - title.count)))
    }

    func say(_ text: String) {
        write(text)
    }

    /// A znode as it is in ZooKeeper: path, data, version.
    func znode(_ path: String, _ data: String, version: Int32? = nil, note: String? = nil) {
        var line = "  \(path)  \(data)"
        if let version { line += "  (version \(version))" }
        if let note { line += "  — \(note)" }
        write(line)
    }

    func problem(_ text: String) {
        FileHandle.standardError.write(Data("\(text)\n".utf8))
    }

    /// Unbuffered, so the tour reads live even when piped.
    private func write(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    private final class StepCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.withLock { value += 1; return value } }
    }
}

/// A bounded wait ran out.
struct DemoTimeout: Error, CustomStringConvertible {
    let description: String
}
