import ArgumentParser

/// `zkafka bench ...`: benchmarks that print figures (placeholder until the first one lands).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print figures measured in one run."
    )
}
