import Foundation

/// The Java runtime and the Debian `zookeeper` package's jars, and the command line that runs one
/// server from them.
struct ZooKeeperInstallation: Sendable {
    static let installHint = "install with: sudo apt-get update && sudo apt-get install -y zookeeper default-jre-headless"
    static let defaultJar = "/usr/share/java/zookeeper.jar"
    /// slf4j-simple sends ZooKeeper's log to stderr, which the launcher redirects to the server's log file.
    static let defaultLoggingJar = "/usr/share/java/slf4j-simple.jar"

    let java: String
    let classPath: [String]

    /// Finds `java` ($JAVA_HOME/bin/java, then $PATH) and the jars (overridable with
    /// $ZKAFKA_ZOOKEEPER_JAR for a ZooKeeper installed elsewhere).
    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> ZooKeeperInstallation
    {
        let fileManager = FileManager.default
        let jar = environment["ZKAFKA_ZOOKEEPER_JAR"] ?? defaultJar
        guard fileManager.fileExists(atPath: jar) else {
            throw LocalClusterError(
                .zookeeperNotInstalled, "ZooKeeper is not installed (\(jar) is missing); \(installHint)")
        }
        var candidates: [String] = []
        if let javaHome = environment["JAVA_HOME"] { candidates.append(javaHome + "/bin/java") }
        for directory in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            candidates.append("\(directory)/java")
        }
        guard let java = candidates.first(where: { fileManager.isExecutableFile(atPath: $0) }) else {
            throw LocalClusterError(.javaNotInstalled, "Java is not installed (no `java` on PATH); \(installHint)")
        }
        var classPath = [jar]
        if fileManager.fileExists(atPath: defaultLoggingJar) { classPath.append(defaultLoggingJar) }
        return ZooKeeperInstallation(java: java, classPath: classPath)
    }

    /// The server's argv. The config path is inside the cluster directory, which is what lets the
    /// launcher recognise the process later from /proc/PID/cmdline.
    func serverArguments(configPath: String) -> [String] {
        [
            java,
            // A small heap and the C1 compiler only: three servers share a small machine and
            // start faster this way.
            "-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            // Durability across machine crashes is not what a local cluster is for; fsync is slow.
            "-Dzookeeper.forceSync=no",
            "-Dzookeeper.admin.enableServer=false",
            "-cp", classPath.joined(separator: ":"),
            "org.apache.zookeeper.server.quorum.QuorumPeerMain",
            configPath,
        ]
    }
}

extension LocalCluster {
    /// Why no ZooKeeper server can be started here (the package or Java is missing), or nil when one can.
    public static func zooKeeperMissingReason(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        do {
            _ = try ZooKeeperInstallation.locate(environment: environment)
            return nil
        } catch {
            return "\(error)"
        }
    }
}
