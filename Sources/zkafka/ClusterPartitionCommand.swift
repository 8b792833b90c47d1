import ArgumentParser
import LocalCluster

/// `zkafka cluster partition`: cuts one member of a container cluster off the network.
struct ClusterPartitionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partition",
        abstract: "Disconnect a member's container from the compose network (needs `cluster up --containers`).",
        discussion: """
            The member keeps running, isolated: a broker's ZooKeeper session expires, the controller moves its \
            leaders and drops it from every ISR. `zkafka cluster heal` reconnects it.
            """
    )

    @OptionGroup var directory: ClusterDirectoryOption
    @OptionGroup var target: ClusterMemberOption

    func run() throws {
        try LocalCluster(directory: directory.directory).partition(target.member)
        print("\(target.member) is disconnected from the cluster's network (heal it with `zkafka cluster heal`)")
    }
}

/// `zkafka cluster heal`: ends a partition.
struct ClusterHealCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heal",
        abstract: "Reconnect a partitioned member's container to the compose network."
    )

    @OptionGroup var directory: ClusterDirectoryOption
    @OptionGroup var target: ClusterMemberOption

    func run() throws {
        try LocalCluster(directory: directory.directory).heal(target.member)
        print("\(target.member) is connected to the cluster's network again")
    }
}
