import Foundation

/// The shell around one container cluster's engine: compose commands for the project, and the
/// engine's own kill, pause, start, inspect, logs and network commands on its containers.
struct ContainerEngine: Sendable {
    let deployment: ContainerDeployment

    func engine(_ arguments: [String], timeout: Duration = .seconds(120)) throws -> ContainerCommandRunner.Result {
        try ContainerCommandRunner.run([deployment.engine] + arguments, environment: deployment.environment, timeout: timeout)
    }

    @discardableResult
    func checkedEngine(_ arguments: [String], timeout: Duration = .seconds(120)) throws -> ContainerCommandRunner.Result {
        try ContainerCommandRunner.check([deployment.engine] + arguments, environment: deployment.environment, timeout: timeout)
    }

    @discardableResult
    func compose(_ arguments: [String], timeout: Duration = .seconds(300)) throws -> ContainerCommandRunner.Result {
        try ContainerCommandRunner.check(deployment.composeArguments(arguments), environment: deployment.environment, timeout: timeout)
    }

    /// nil when the container does not exist (or the engine does not answer).
    func inspect(_ container: String) -> ContainerInspection? {
        guard let result = try? engine(["inspect", "--format", ContainerInspection.format, container], timeout: .seconds(30)),
            result.succeeded
        else { return nil }
        return ContainerInspection(parsing: result.output)
    }

    func imageExists(_ image: String) -> Bool {
        (try? engine(["image", "inspect", "--format", "{{.Id}}", image], timeout: .seconds(30)))?.succeeded ?? false
    }

    /// The container's output (its last `tail` lines), or a note saying why there is none.
    func logs(_ container: String, tail: Int? = nil) -> String {
        let arguments = ["logs"] + (tail.map { ["--tail", "\($0)"] } ?? []) + [container]
        guard let result = try? engine(arguments, timeout: .seconds(60)) else { return "(no logs: `\(deployment.engine) logs` timed out)" }
        return result.output
    }
}

extension ComposeTool {
    /// Probes the machine: which compose tools answer `version` and which engines answer `info`.
    /// Tools not on PATH are not run, so a machine without Docker costs nothing.
    static func probe(podmanEnvironment: [String: String]) -> Probe {
        var tools = Set<ComposeTool>()
        var engines = Set<String>()
        func works(_ arguments: [String], environment: [String: String] = [:]) -> Bool {
            guard isOnPath(arguments[0]) else { return false }
            return (try? ContainerCommandRunner.run(arguments, environment: environment, timeout: .seconds(30)))?.succeeded ?? false
        }
        if works(["docker", "compose", "version"]) { tools.insert(.dockerCompose) }
        if works(["docker-compose", "version"]) { tools.insert(.dockerComposeV1) }
        if works(["podman-compose", "version"], environment: podmanEnvironment) { tools.insert(.podmanCompose) }
        if tools.contains(.dockerCompose) || tools.contains(.dockerComposeV1), works(["docker", "info"]) { engines.insert("docker") }
        if tools.contains(.podmanCompose), works(["podman", "info"], environment: podmanEnvironment) { engines.insert("podman") }
        return Probe(toolWorks: tools, engineWorks: engines)
    }

    static func isOnPath(_ program: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }
    }
}
