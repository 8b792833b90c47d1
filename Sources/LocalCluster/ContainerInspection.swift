/// What the engine says about one container: `inspect --format` output parsed into the state
/// `cluster status` shows. Docker and Podman answer the same template.
struct ContainerInspection: Sendable, Equatable {
    /// Docker's and Podman's `.State.Status`: created, running, paused, restarting, exited, dead, stopped...
    var status: String
    /// The networks it is connected to.
    var networks: [String]

    /// The Go template whose output `init(parsing:)` reads: the status, then each network name.
    static let format = "{{.State.Status}}{{range $name, $network := .NetworkSettings.Networks}} {{$name}}{{end}}"

    init(status: String, networks: [String]) {
        self.status = status
        self.networks = networks
    }

    /// nil when the output has no status (the container does not exist).
    init?(parsing output: String) {
        let words = output.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        guard let status = words.first else { return nil }
        self.init(status: status.lowercased(), networks: Array(words.dropFirst()))
    }

    /// running and paused as in process mode; every other status (exited, created, dead ...) is stopped.
    var memberState: MemberState {
        switch status {
        case "running", "restarting": .running
        case "paused": .paused
        default: .stopped
        }
    }
}
