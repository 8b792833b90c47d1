import Foundation

/// How broker `id` of a local cluster is configured and started: the plug-in point for brokers.
///
/// Nothing launches brokers yet (`zkafka server-start` arrives with the broker), so `up` refuses
/// `brokers > 0`. When brokers exist, `up` writes `serverProperties()` to `configPath`, spawns
/// `arguments(executable:)` with `DetachedProcessLauncher` logging to `logPath`, records the
/// broker in `cluster.json` and waits for its registration under `/brokers/ids`.
struct BrokerLaunchPlan: Sendable, Equatable {
    let id: Int
    let host: String
    let port: Int
    let zookeeperConnect: String
    let configPath: String
    let logDir: String
    let logPath: String
    let overridesPath: String

    init(id: Int, host: String = "127.0.0.1", port: Int, zookeeperConnect: String, paths: ClusterPaths) {
        self.id = id
        self.host = host
        self.port = port
        self.zookeeperConnect = zookeeperConnect
        self.configPath = paths.brokerConfig(id)
        self.logDir = paths.brokerLogDir(id)
        self.logPath = paths.brokerLog(id)
        self.overridesPath = paths.brokerOverrides
    }

    /// Kafka's own property names, so the file reads like any Kafka broker's. The lines of
    /// `DIR/broker-overrides.properties`, if that file exists, are appended (later keys win), so a
    /// caller such as `zkafka bench controller` can tune every broker, restarts included. In them,
    /// `{logDir}` stands for this broker's `log.dirs` directory, so one line gives every broker a second log
    /// dir (`log.dirs={logDir},{logDir}-2`), as the log dir failure test needs.
    func serverProperties() -> String {
        serverPropertiesBase()
            + ((try? String(contentsOfFile: overridesPath, encoding: .utf8)).map {
                "# From \(overridesPath)\n" + $0.replacingOccurrences(of: Self.logDirPlaceholder, with: logDir) + "\n"
            } ?? "")
    }

    /// Replaced by the broker's log dir in `broker-overrides.properties`.
    static let logDirPlaceholder = "{logDir}"

    private func serverPropertiesBase() -> String {
        """
        # Written by `zkafka cluster up`; rewritten on every `up`.
        broker.id=\(id)
        listeners=PLAINTEXT://\(host):\(port)
        advertised.listeners=PLAINTEXT://\(host):\(port)
        log.dirs=\(logDir)
        zookeeper.connect=\(zookeeperConnect)
        zookeeper.session.timeout.ms=6000
        # Local clusters are for watching failures: retry controlled shutdown after 1 s, not 5 s.
        controlled.shutdown.retry.backoff.ms=1000
        # ZKafka's Prometheus endpoint on a free port; the broker logs its address at start-up.
        zkafka.metrics.port=0

        """
    }

    /// `<zkafka> server-start DIR/broker-ID/server.properties`: the config path contains the
    /// cluster directory, which `OwnedProcess` relies on to recognise the broker.
    func arguments(executable: String) -> [String] {
        [executable, "server-start", configPath]
    }

    var descriptor: ClusterDescriptor.Broker {
        ClusterDescriptor.Broker(
            id: id, host: host, port: port, pid: nil, state: .stopped,
            config: configPath, logDir: logDir, log: logPath)
    }

    /// The running `zkafka` executable, which is what brokers are started from.
    static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
    }
}
