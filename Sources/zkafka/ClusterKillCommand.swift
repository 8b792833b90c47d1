import ArgumentParser
import LocalCluster

/// `zkafka cluster kill`: fault injection by signal.
struct ClusterKillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill",
        abstract: "Send a signal to one member: KILL (crash), TERM (clean stop), STOP (hang), CONT (resume).",
        discussion: "In a container cluster: KILL is `kill --signal KILL` of the container, TERM `stop`, STOP `pause`, CONT `unpause`."
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
        let cluster = LocalCluster(directory: directory.directory)
        try cluster.kill(target.member, signal: signal)
        if (try? cluster.descriptor().containers) != nil {
            let action = switch signal {
            case .kill: "killed (kill --signal KILL) the container of"
            case .term: "stopped (SIGTERM, then SIGKILL after 30 s) the container of"
            case .stop: "paused the container of"
            case .cont: "unpaused the container of"
            }
            print("\(action) \(target.member)")
        } else {
            print("sent SIG\(signal.rawValue) to \(target.member)")
        }
    }
}
