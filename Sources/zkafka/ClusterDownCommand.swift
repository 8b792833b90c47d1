import ArgumentParser
import LocalCluster

/// `zkafka cluster down`: stops everything `up` started; data stays on disk.
struct ClusterDownCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Stop every process of the cluster (SIGTERM, then SIGKILL after 30 s); a container cluster is removed (containers, network, volumes). Safe to run twice."
    )

    @OptionGroup var directory: ClusterDirectoryOption

    func run() throws {
        let cluster = LocalCluster(directory: directory.directory)
        try cluster.down()
        let inContainers = (try? cluster.descriptor().containers) != nil
        print("cluster in \(cluster.directory) is down " + (inContainers ? "(containers, network and volumes removed; broker logs kept in DIR/broker-N)" : "(data kept on disk)"))
    }
}
