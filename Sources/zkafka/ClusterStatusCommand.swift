import ArgumentParser
import Foundation
import LocalCluster

/// `zkafka cluster status`: each ZooKeeper server's mode and each broker's state, as seen now.
struct ClusterStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each ZooKeeper server's mode (leader/follower/down/paused) and each broker's state."
    )

    @OptionGroup var directory: ClusterDirectoryOption

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    func run() throws {
        let status = try LocalCluster(directory: directory.directory).status()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
        } else {
            print(status.table(), terminator: "")
        }
    }
}
