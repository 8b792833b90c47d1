import ArgumentParser

/// `zkafka bench ...`: benchmarks that print figures measured in one run. Speed is reported here,
/// never asserted in tests: the machines are shared and noisy, so each table shows ratios from one run.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print figures measured in one run.",
        subcommands: [
            BenchZooKeeperCommand.self, BenchProtocolCommand.self, BenchControllerCommand.self, BenchProduceCommand.self, BenchGroupsCommand.self, BenchJSONCommand.self,
            BenchMetadataCommand.self, BenchBrokerCommand.self,
        ]
    )
}
