import ArgumentParser
import LocalCluster

/// `zkafka cluster kill`: fault injection by signal.
struct ClusterKillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill",
        abstract: "Send a signal to one member: KILL (crash), TERM (clean stop), STOP (hang), CONT (resume)."
    )

    @OptionGroup var directory: ClusterDirectoryOption
    @OptionGroup var target: ClusterMemberOption

    @Option(help: "KILL, TERM, STOP or CONT.")
    var signal = "KILL"

    func validate() throws {
        guard ClusterSignal(parsing: signal) != nil else {
            throw ValidationError("--signal must be one of KILL, TERM, STOP, CONT, not \(signal)")
        }
    }

    func run() throws {
        let signal = ClusterSignal(parsing: signal) ?? .kill
        try LocalCluster(directory: directory.directory).kill(target.member, signal: signal)
        print("sent SIG\(signal.rawValue) to \(target.member)")
    }
}
