import ArgumentParser
import LocalCluster

/// `zkafka cluster start`: restarts a member stopped by `kill`.
struct ClusterStartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start a stopped member again with its old configuration and data; waits until it serves."
    )

    @OptionGroup var directory: ClusterDirectoryOption
    @OptionGroup var target: ClusterMemberOption

    func run() throws {
        let cluster = LocalCluster(directory: directory.directory)
        try cluster.start(target.member)
        print(try cluster.status().table(), terminator: "")
    }
}
