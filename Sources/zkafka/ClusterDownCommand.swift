import ArgumentParser
import LocalCluster

/// `zkafka cluster down`: stops everything `up` started; data stays on disk.
struct ClusterDownCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Stop every process of the cluster (SIGTERM, then SIGKILL after 10 s). Safe to run twice."
    )

    @OptionGroup var directory: ClusterDirectoryOption

    func run() throws {
        let cluster = LocalCluster(directory: directory.directory)
        try cluster.down()
        print("cluster in \(cluster.directory) is down (data kept on disk)")
    }
}
