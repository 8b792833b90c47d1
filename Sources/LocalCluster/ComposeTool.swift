/// The compose implementations `zkafka cluster up --containers` can drive, and which one it picks.
/// The compose file and every engine command (kill, pause, network connect ...) are the same for
/// Docker and Podman; only the compose command differs.
public enum ComposeTool: String, Sendable, CaseIterable {
    /// Docker Compose v2, the `docker compose` plugin.
    case dockerCompose = "docker compose"
    /// Docker Compose v1, the standalone `docker-compose` (Debian's package is 1.29).
    case dockerComposeV1 = "docker-compose"
    /// `podman-compose` (Debian's package is 1.0.3).
    case podmanCompose = "podman-compose"

    public var command: [String] {
        switch self {
        case .dockerCompose: ["docker", "compose"]
        case .dockerComposeV1: ["docker-compose"]
        case .podmanCompose: ["podman-compose"]
        }
    }

    /// The engine CLI the tool's containers are driven with.
    public var engine: String { self == .podmanCompose ? "podman" : "docker" }

    /// What was found on the machine: each tool's `version` answering, and each engine's `info`
    /// answering (a Docker CLI without a running daemon does not count).
    public struct Probe: Sendable, Equatable {
        public var toolWorks: Set<ComposeTool>
        public var engineWorks: Set<String>
        public init(toolWorks: Set<ComposeTool>, engineWorks: Set<String>) {
            self.toolWorks = toolWorks
            self.engineWorks = engineWorks
        }
    }

    /// The probing order: Docker first (the common case for users), v2 before v1, then Podman.
    /// `engine` (`docker` or `podman`) restricts the choice.
    public static func choose(_ probe: Probe, engine: String? = nil) throws -> ComposeTool {
        if let engine, !["docker", "podman"].contains(engine) {
            throw LocalClusterError(.invalidArgument, "--engine must be docker or podman, not \(engine)")
        }
        let candidates = allCases.filter { engine == nil || $0.engine == engine }
        if let tool = candidates.first(where: { probe.toolWorks.contains($0) && probe.engineWorks.contains($0.engine) }) {
            return tool
        }
        var reasons: [String] = []
        for tool in candidates {
            if !probe.toolWorks.contains(tool) {
                reasons.append("`\(tool.rawValue)` is not installed")
            } else if !probe.engineWorks.contains(tool.engine) {
                reasons.append("`\(tool.rawValue)` is installed but `\(tool.engine) info` fails (is the engine running? are you allowed to use it?)")
            }
        }
        throw LocalClusterError(
            .containerEngineUnavailable,
            "no working container engine: " + reasons.joined(separator: "; ")
                + ". Install Docker with Compose, or Podman with podman-compose (README, Containers)")
    }
}
