import ArgumentParser

/// `zkafka storage ...`: Kafka 3.3's `kafka-storage.sh` (StorageTool) for KRaft nodes.
struct StorageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storage",
        abstract: "Format a KRaft node's log directories, like kafka-storage.sh.",
        subcommands: [StorageFormatCommand.self, StorageRandomUuidCommand.self]
    )
}
