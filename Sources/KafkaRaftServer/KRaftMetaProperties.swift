import Foundation
import KafkaConfig

/// `meta.properties` in Kafka 3.3's KRaft format (`MetaProperties`, version 1): `version=1`,
/// `cluster.id` and `node.id`. ZooKeeper-mode brokers write version 0 with `broker.id` instead.
public struct KRaftMetaProperties: Sendable, Equatable {
    public static let fileName = "meta.properties"

    public var clusterID: String
    public var nodeID: Int32

    public init(clusterID: String, nodeID: Int32) {
        self.clusterID = clusterID
        self.nodeID = nodeID
    }

    /// The file's text, a Java properties file with the date comment `Properties.store` writes.
    public func fileContents(date: Date = Date()) -> String {
        "#\n#\(date)\nversion=1\ncluster.id=\(clusterID)\nnode.id=\(nodeID)\n"
    }

    /// Parses a file's text, rejecting anything but a complete version-1 file
    /// (`MetaProperties.parse`: "Expected version 1, but got version 0" and the missing keys).
    public static func parse(_ text: String, path: String) throws(KRaftStorageError) -> KRaftMetaProperties {
        let values: [String: String]
        do {
            values = try JavaProperties(parsing: text).values
        } catch {
            throw KRaftStorageError("\(path) is not a properties file: \(error)")
        }
        guard let version = values["version"] else {
            throw KRaftStorageError("Failed to find required property version in \(path).")
        }
        guard version == "1" else {
            throw KRaftStorageError(
                "\(path) has version \(version), but KRaft mode expects version 1; the directory is formatted for ZooKeeper mode")
        }
        guard let clusterID = values["cluster.id"], !clusterID.isEmpty else {
            throw KRaftStorageError("Failed to find required property cluster.id in \(path).")
        }
        guard let nodeText = values["node.id"], let nodeID = Int32(nodeText) else {
            throw KRaftStorageError("Failed to find required property node.id in \(path).")
        }
        return KRaftMetaProperties(clusterID: clusterID, nodeID: nodeID)
    }
}
