/// What to start and how: the one description every spawner in ZKafka fills in (LocalCluster's
/// servers, the demo's clients, the test kit's commands, the benchmarks' consumers).
public struct ChildProcessOptions: Sendable {
    /// Where a standard stream of the child goes.
    public enum Output: Sendable, Equatable {
        /// /dev/null.
        case discard
        /// The launcher's own stream.
        case inherit
        /// A file, created with mode 0644 if missing; `append` keeps what is there (a log shared by
        /// restarts), otherwise it is truncated.
        case file(String, append: Bool)
        /// An open descriptor of the launcher, e.g. the write end of a pipe; the launcher keeps it.
        case descriptor(Int32)
        /// (Standard error only) the same place as standard output.
        case standardOutput
    }

    /// Which process group and session the child lives in; this decides who a terminal's Ctrl-C and
    /// hang-up reach and what `ChildProcess.signalGroup` signals.
    public enum Grouping: Sendable, Equatable {
        /// The launcher's group: a Ctrl-C reaches both.
        case launcherGroup
        /// A new group led by the child: a timeout can signal it with everything it started, and a
        /// Ctrl-C in the terminal reaches only the launcher (which then stops its children in order).
        case ownGroup
        /// A new session (and so a new group): the child outlives its launcher's terminal, as the
        /// servers of `zkafka cluster up` must.
        case detached
    }

    /// The executable's absolute path first, then its arguments.
    public var arguments: [String]
    /// Variables added to (or replacing those of) the launcher's environment.
    public var environment: [String: String]
    /// When true the child sees only `environment`; otherwise the launcher's environment plus it.
    public var replacesEnvironment: Bool
    /// The child's working directory; nil keeps the launcher's.
    public var workingDirectory: String?
    /// Standard input always reads /dev/null unless this is true: a child must not steal the terminal.
    public var inheritsStandardInput: Bool
    public var standardOutput: Output
    public var standardError: Output
    public var grouping: Grouping

    public init(
        _ arguments: [String], environment: [String: String] = [:], replacesEnvironment: Bool = false,
        workingDirectory: String? = nil, inheritsStandardInput: Bool = false,
        standardOutput: Output = .discard, standardError: Output = .discard, grouping: Grouping = .ownGroup
    ) {
        self.arguments = arguments
        self.environment = environment
        self.replacesEnvironment = replacesEnvironment
        self.workingDirectory = workingDirectory
        self.inheritsStandardInput = inheritsStandardInput
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.grouping = grouping
    }

    /// The environment block the child receives, as `NAME=value` strings (sorted, so it is stable).
    func environmentBlock(launcher: [String: String]) -> [String] {
        var merged = replacesEnvironment ? [:] : launcher
        merged.merge(environment) { _, new in new }
        return merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }
}

/// Why a child process could not be started or awaited.
public struct ChildProcessError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
