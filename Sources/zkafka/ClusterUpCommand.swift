import ArgumentParser
import Foundation
import LocalCluster

/// `zkafka cluster up`: starts the ensemble (and brokers, once they exist) in the background.
struct ClusterUpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start N ZooKeeper servers and M brokers on 127.0.0.1 as background processes.",
        discussion: """
            Returns once the ensemble has a leader and writes DIR/cluster.json. With --base-port P, \
            ZooKeeper client ports are P..P+N-1, quorum ports P+N..P+2N-1, election ports \
            P+2N..P+3N-1 and broker ports P+3N..P+3N+M-1; without it, free ports are chosen.
            """
    )

    @OptionGroup var directory: ClusterDirectoryOption

    @Option(help: "How many ZooKeeper servers (1 runs standalone).")
    var zookeepers = 3

    @Option(help: "How many brokers (`zkafka server-start` processes, ids 1...M).")
    var brokers = 3

    @Option(help: "First port of a deterministic port layout (default: free ports).")
    var basePort: Int?

    @Flag(help: "Print cluster.json instead of the status table.")
    var json = false

    func validate() throws {
        do {
            try LocalCluster.validateUp(zookeepers: zookeepers, brokers: brokers, basePort: basePort)
        } catch let error as LocalClusterError {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        let cluster = LocalCluster(directory: directory.directory)
        let descriptor = try cluster.up(zookeepers: zookeepers, brokers: brokers, basePort: basePort)
        if json {
            print(String(decoding: try descriptor.jsonData(), as: UTF8.self))
        } else {
            print(try cluster.status().table())
            print("Stop it with: zkafka cluster down --dir \(cluster.directory)")
        }
    }
}
