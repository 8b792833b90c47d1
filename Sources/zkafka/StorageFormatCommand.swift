import ArgumentParser
import KafkaConfig
import KafkaRaftServer

/// `zkafka storage format --cluster-id ID --config FILE [--ignore-formatted]`: writes
/// `meta.properties` (version 1) into every log dir and the metadata log dir (StorageTool's format).
struct StorageFormatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "format",
        abstract: "Format the KRaft log directories of the node CONFIG describes.")

    @Option(name: [.customLong("config"), .customShort("c")], help: "The server.properties file (with process.roles).")
    var config: String

    @Option(name: [.customLong("cluster-id"), .customShort("t")], help: "The cluster id (see `zkafka storage random-uuid`).")
    var clusterID: String

    @Flag(name: [.customLong("ignore-formatted"), .customShort("g")], help: "Skip directories that are already formatted.")
    var ignoreFormatted = false

    func run() throws {
        let values: [String: String]
        do {
            values = try ServerProperties.load(path: config)
        } catch {
            throw ValidationError("\(error)")
        }
        guard ServerProperties.isKRaft(values) else {
            // StorageTool's TerseFailure for a configuration without process.roles.
            throw ValidationError(
                "The kafka configuration file appears to be for a legacy cluster. Formatting is only supported for clusters in KRaft mode.")
        }
        do {
            let kraftConfig = try KRaftConfig(values: values)
            for line in try KRaftStorage.format(config: kraftConfig, clusterID: clusterID, ignoreFormatted: ignoreFormatted) {
                print(line)
            }
        } catch let error as ConfigError {
            throw ValidationError("\(error)")
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
