import ArgumentParser

/// `--dir DIR`, shared by every `zkafka cluster` subcommand.
struct ClusterDirectoryOption: ParsableArguments {
    @Option(name: .customLong("dir"), help: "The cluster directory: data, logs and cluster.json live here.")
    var directory: String
}
