import ArgumentParser

/// The `zkafka` executable: one entry point for the local cluster launcher, the brokers and the
/// benchmarks.
@main
struct ZKafkaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zkafka",
        abstract: "ZKafka: Apache Kafka's ZooKeeper-mode architecture, reproduced in Swift.",
        subcommands: [
            DemoCommand.self, ClusterCommand.self, ServerStartCommand.self, TopicsCommand.self, ConsoleProducerCommand.self,
            ConsoleConsumerCommand.self, TraceCommand.self, BenchCommand.self, FuzzCommand.self, ChaosCommand.self,
            ConsumerGroupsCommand.self, StorageCommand.self, MetadataQuorumCommand.self, CompareCommand.self,
        ]
    )
}
