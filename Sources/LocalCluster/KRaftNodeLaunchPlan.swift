import Foundation

/// How KRaft node `id` of a local cluster is configured and started: a controller-only node
/// (`process.roles=controller`, listening on the CONTROLLER listener) or a broker-only node
/// (`process.roles=broker`, listening on PLAINTEXT and reaching the quorum through `controller.quorum.voters`).
/// Kafka 3.3 keeps the two roles in separate processes in production ("combined mode" is for
/// development), and so does the comparison: ZooKeeper mode's brokers and KRaft mode's brokers do the same work.
struct KRaftNodeLaunchPlan: Sendable, Equatable {
    enum Role: String, Sendable {
        case controller
        case broker
    }

    /// Controllers get ids from here up, as Kafka's `KafkaClusterTestKit` numbers them (3000 + i), so
    /// brokers keep ids 1...M as in ZooKeeper mode and the two modes' tables line up.
    static let controllerIDOffset = 3000
    static let controllerListenerName = "CONTROLLER"

    let role: Role
    let id: Int
    let host: String
    let port: Int
    let quorumVoters: String
    let configPath: String
    let logDir: String
    let logPath: String
    let overridesPath: String

    init(role: Role, id: Int, host: String = "127.0.0.1", port: Int, quorumVoters: String, paths: ClusterPaths) {
        self.role = role
        self.id = id
        self.host = host
        self.port = port
        self.quorumVoters = quorumVoters
        switch role {
        case .controller:
            configPath = paths.controllerConfig(id)
            logDir = paths.controllerLogDir(id)
            logPath = paths.controllerLog(id)
            overridesPath = paths.controllerOverrides
        case .broker:
            configPath = paths.brokerConfig(id)
            logDir = paths.brokerLogDir(id)
            logPath = paths.brokerLog(id)
            overridesPath = paths.brokerOverrides
        }
    }

    /// Kafka 3.3's property names (config/kraft/controller.properties and broker.properties), then the
    /// lines of the role's overrides file if it exists (later keys win).
    func serverProperties() -> String {
        base() + ((try? String(contentsOfFile: overridesPath, encoding: .utf8)).map { "# From \(overridesPath)\n" + $0 + "\n" } ?? "")
    }

    private func base() -> String {
        var lines = [
            "# Written by `zkafka cluster up --mode kraft`; rewritten on every `up`.",
            "process.roles=\(role.rawValue)",
            "node.id=\(id)",
            "controller.quorum.voters=\(quorumVoters)",
            "controller.listener.names=\(Self.controllerListenerName)",
        ]
        switch role {
        case .controller:
            lines.append("listeners=\(Self.controllerListenerName)://\(host):\(port)")
        case .broker:
            lines += [
                "listeners=PLAINTEXT://\(host):\(port)",
                "advertised.listeners=PLAINTEXT://\(host):\(port)",
                "inter.broker.listener.name=PLAINTEXT",
                // Local clusters are for watching failures: retry controlled shutdown after 1 s, as in ZooKeeper mode.
                "controlled.shutdown.retry.backoff.ms=1000",
            ]
        }
        lines.append("log.dirs=\(logDir)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `<zkafka> server-start --config DIR/<node>/server.properties`: the path contains the cluster
    /// directory, which `OwnedProcess` relies on to recognise the process.
    func arguments(executable: String) -> [String] {
        [executable, "server-start", "--config", configPath]
    }

    /// `<zkafka> storage format --cluster-id ID --config ... --ignore-formatted`: a restart or a second
    /// `up` keeps an existing format (and refuses another cluster id, which `server-start` reports).
    func formatArguments(executable: String, clusterID: String) -> [String] {
        [executable, "storage", "format", "--cluster-id", clusterID, "--config", configPath, "--ignore-formatted"]
    }

    var descriptor: ClusterDescriptor.Broker {
        ClusterDescriptor.Broker(
            id: id, host: host, port: port, pid: nil, state: .stopped, config: configPath, logDir: logDir, log: logPath)
    }

    var member: ClusterMember { role == .controller ? .controller(id) : .broker(id) }

    /// The line a KRaft node logs once it serves: a controller's "Kafka Server started" (Kafka 3.3's
    /// `KafkaRaftServer.startup`); a broker's "Transition from RECOVERY to RUNNING" (`BrokerServer`), which it
    /// logs once registered, caught up with the metadata log and unfenced by the active controller.
    var startedLine: String {
        switch role {
        case .controller: "[KafkaRaftServer nodeId=\(id)] Kafka Server started"
        case .broker: "[BrokerServer id=\(id)] Transition from RECOVERY to RUNNING"
        }
    }
}
