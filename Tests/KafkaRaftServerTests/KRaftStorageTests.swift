import Foundation
import KafkaModel
import KafkaConfig
import Testing
@testable import KafkaRaftServer

@Suite(.tags(.unit)) struct KRaftStorageTests {
    /// A controller configuration whose log dir and metadata log dir live under a fresh temp dir.
    static func withConfig(_ body: (KRaftConfig, String) throws -> Void) throws {
        let root = NSTemporaryDirectory() + "kraft-storage-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try KRaftConfig(values: [
            "process.roles": "controller", "node.id": "2",
            "controller.quorum.voters": "1@127.0.0.1:9093,2@127.0.0.1:9094",
            "controller.listener.names": "CONTROLLER", "listeners": "CONTROLLER://127.0.0.1:9094",
            "log.dirs": "\(root)/logs", "metadata.log.dir": "\(root)/meta",
        ])
        try body(config, root)
    }

    @Test func format_writesVersion1MetaPropertiesEverywhere() throws {
        try Self.withConfig { config, root in
            let clusterID = KafkaUuid.random().description
            let lines = try KRaftStorage.format(config: config, clusterID: clusterID, ignoreFormatted: false)
            #expect(lines == ["Formatting \(root)/logs", "Formatting \(root)/meta"])
            for directory in ["logs", "meta"] {
                let text = try String(contentsOfFile: "\(root)/\(directory)/meta.properties", encoding: .utf8)
                let values = try JavaProperties(parsing: text).values
                #expect(values == ["version": "1", "cluster.id": clusterID, "node.id": "2"])
            }
            #expect(try KRaftStorage.checkFormatted(config: config) == clusterID)
        }
    }

    @Test func formattedDirectory_isRefusedUnlessIgnored() throws {
        try Self.withConfig { config, root in
            let first = KafkaUuid.random().description
            _ = try KRaftStorage.format(config: config, clusterID: first, ignoreFormatted: false)
            #expect(throws: KRaftStorageError(
                "Log directory \(root)/logs is already formatted. Use --ignore-formatted to ignore this directory and format the others.")
            ) { try KRaftStorage.format(config: config, clusterID: KafkaUuid.random().description, ignoreFormatted: false) }
            let lines = try KRaftStorage.format(config: config, clusterID: KafkaUuid.random().description, ignoreFormatted: true)
            #expect(lines == ["All of the log directories are already formatted."])
            #expect(try KRaftStorage.checkFormatted(config: config) == first)  // untouched
        }
    }

    @Test func ignoreFormatted_formatsTheRest() throws {
        try Self.withConfig { config, root in
            let clusterID = KafkaUuid.random().description
            _ = try KRaftStorage.format(config: config, clusterID: clusterID, ignoreFormatted: false)
            try FileManager.default.removeItem(atPath: "\(root)/meta/meta.properties")
            let lines = try KRaftStorage.format(config: config, clusterID: clusterID, ignoreFormatted: true)
            #expect(lines == ["Formatting \(root)/meta"])
        }
    }

    @Test func unformattedNode_refusesToStart() throws {
        try Self.withConfig { config, root in
            #expect(throws: KRaftStorageError(
                "No meta.properties found in \(root)/logs (have you run `zkafka storage format`?)")
            ) { try KRaftStorage.checkFormatted(config: config) }
        }
    }

    @Test func mismatchedNodeOrCluster_isRefused() throws {
        try Self.withConfig { config, root in
            _ = try KRaftStorage.format(config: config, clusterID: KafkaUuid.random().description, ignoreFormatted: false)
            let other = KRaftMetaProperties(clusterID: KafkaUuid.random().description, nodeID: 2)
            try other.fileContents().write(toFile: "\(root)/meta/meta.properties", atomically: true, encoding: .utf8)
            let error = #expect(throws: KRaftStorageError.self) { try KRaftStorage.checkFormatted(config: config) }
            #expect(error?.description.hasPrefix("Inconsistent cluster.id") == true)
            var renumbered = config
            renumbered.nodeID = 1
            let nodeError = #expect(throws: KRaftStorageError.self) { try KRaftStorage.checkFormatted(config: renumbered) }
            #expect(nodeError?.description.contains("doesn't match stored node.id `2`") == true)
        }
    }

    @Test func zooKeeperModeMetaProperties_isRefused() throws {
        try Self.withConfig { config, root in
            try FileManager.default.createDirectory(atPath: "\(root)/logs", withIntermediateDirectories: true)
            try "version=0\nbroker.id=2\ncluster.id=abc\n".write(toFile: "\(root)/logs/meta.properties", atomically: true, encoding: .utf8)
            let error = #expect(throws: KRaftStorageError.self) { try KRaftStorage.checkFormatted(config: config) }
            #expect(error?.description.contains("formatted for ZooKeeper mode") == true)
        }
    }

    @Test func badClusterID_isRefused() throws {
        try Self.withConfig { config, _ in
            let error = #expect(throws: KRaftStorageError.self) {
                try KRaftStorage.format(config: config, clusterID: "not-a-uuid", ignoreFormatted: false)
            }
            #expect(error?.description.hasPrefix("Cluster ID string not-a-uuid does not appear to be a valid UUID") == true)
        }
    }
}
