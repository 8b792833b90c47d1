import ArgumentParser

/// `zkafka cluster ...`: the local cluster launcher. The logic lives in the LocalCluster module;
/// these commands only parse arguments and print.
struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Start, inspect, fault-inject and stop a local cluster: a ZooKeeper ensemble or a KRaft controller quorum, and brokers.",
        subcommands: [
            ClusterUpCommand.self, ClusterStatusCommand.self, ClusterKillCommand.self,
            ClusterStartCommand.self, ClusterDownCommand.self, ClusterPartitionCommand.self, ClusterHealCommand.self,
        ]
    )
}
