import Foundation
import KafkaConfig
import KafkaModel

/// `kafka-storage.sh format` and the start-up check of Kafka 3.3's `KafkaRaftServer.initializeLogDirs`:
/// every log dir and the metadata log dir hold the same `meta.properties`.
public enum KRaftStorage {
    /// `StorageTool.formatCommand`: writes `meta.properties` into each directory of
    /// `config.storageDirectories`, creating it if needed. An already formatted directory stops
    /// the command unless `ignoreFormatted`, in which case it is left untouched. Returns the lines
    /// to print.
    public static func format(
        config: KRaftConfig, clusterID: String, ignoreFormatted: Bool
    ) throws(KRaftStorageError) -> [String] {
        guard KafkaUuid(clusterID) != nil else {
            throw KRaftStorageError(
                "Cluster ID string \(clusterID) does not appear to be a valid UUID: expected 22 characters of URL-safe base64 encoding 16 bytes (see `zkafka storage random-uuid`)")
        }
        let directories = config.storageDirectories
        guard !directories.isEmpty else { throw KRaftStorageError("No log directories found in the configuration.") }
        let metaProperties = KRaftMetaProperties(clusterID: clusterID, nodeID: config.nodeID)
        var unformatted: [String] = []
        for directory in directories {
            if FileManager.default.fileExists(atPath: metaPath(directory)) {
                guard ignoreFormatted else {
                    throw KRaftStorageError(
                        "Log directory \(directory) is already formatted. Use --ignore-formatted to ignore this directory and format the others.")
                }
            } else {
                unformatted.append(directory)
            }
        }
        guard !unformatted.isEmpty else { return ["All of the log directories are already formatted."] }
        var lines: [String] = []
        for directory in unformatted {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw KRaftStorageError("Unable to create storage directory \(directory): \(error.localizedDescription)")
            }
            do {
                try metaProperties.fileContents().write(toFile: metaPath(directory), atomically: true, encoding: .utf8)
            } catch {
                throw KRaftStorageError("Unable to write \(metaPath(directory)): \(error.localizedDescription)")
            }
            lines.append("Formatting \(directory)")
        }
        return lines
    }

    /// The start-up check: every storage directory is formatted, all agree on the cluster id, and
    /// the stored node id is the configured one. Returns the cluster id.
    public static func checkFormatted(config: KRaftConfig) throws(KRaftStorageError) -> String {
        var found: (path: String, properties: KRaftMetaProperties)?
        for directory in config.storageDirectories {
            let path = metaPath(directory)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw KRaftStorageError("No meta.properties found in \(directory) (have you run `zkafka storage format`?)")
            }
            let properties = try KRaftMetaProperties.parse(text, path: path)
            guard properties.nodeID == config.nodeID else {
                throw KRaftStorageError(
                    "Configured node.id `\(config.nodeID)` doesn't match stored node.id `\(properties.nodeID)` in \(path). If you moved your data, make sure your configured node.id matches. If you intend to create a new node, you should remove all data in your data directories.")
            }
            if let first = found, first.properties.clusterID != properties.clusterID {
                throw KRaftStorageError(
                    "Inconsistent cluster.id: \(first.path) has \(first.properties.clusterID) but \(path) has \(properties.clusterID)")
            }
            found = found ?? (path, properties)
        }
        guard let found else { throw KRaftStorageError("No log directories found in the configuration.") }
        return found.properties.clusterID
    }

    static func metaPath(_ directory: String) -> String {
        (directory.hasSuffix("/") ? directory : directory + "/") + KRaftMetaProperties.fileName
    }
}
