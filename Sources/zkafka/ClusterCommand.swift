import ArgumentParser

/// `zkafka cluster ...`: the local cluster launcher (placeholder until the launcher lands).
struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Start, inspect, fault-inject and stop a local ZooKeeper ensemble and brokers."
    )
}
