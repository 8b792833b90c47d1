import ArgumentParser

/// `zkafka metadata-quorum --bootstrap-controller H:P[,H:P...] describe --status|--replication`:
/// Kafka 3.3's `kafka-metadata-quorum.sh`.
struct MetadataQuorumCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata-quorum",
        abstract: "Describe the KRaft controller quorum, like kafka-metadata-quorum.sh.",
        subcommands: [MetadataQuorumDescribeCommand.self]
    )
}
