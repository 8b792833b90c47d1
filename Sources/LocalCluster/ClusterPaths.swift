/// Where everything of one local cluster lives under its directory. Every process's command line
/// contains `directory`, which is how the launcher recognises its own processes after pid reuse.
struct ClusterPaths: Sendable {
    let directory: String

    var descriptor: String { directory + "/cluster.json" }
    var lockFile: String { directory + "/.cluster.lock" }

    func zookeeperDirectory(_ id: Int) -> String { directory + "/zookeeper-\(id)" }
    func zookeeperConfig(_ id: Int) -> String { zookeeperDirectory(id) + "/zoo.cfg" }
    func zookeeperDataDir(_ id: Int) -> String { zookeeperDirectory(id) + "/data" }
    func zookeeperLog(_ id: Int) -> String { zookeeperDirectory(id) + "/zookeeper.log" }

    /// Optional extra `server.properties` lines for every broker (see `BrokerLaunchPlan.serverProperties`).
    var brokerOverrides: String { directory + "/broker-overrides.properties" }

    func brokerDirectory(_ id: Int) -> String { directory + "/broker-\(id)" }
    func brokerConfig(_ id: Int) -> String { brokerDirectory(id) + "/server.properties" }
    func brokerLogDir(_ id: Int) -> String { brokerDirectory(id) + "/logs" }
    func brokerLog(_ id: Int) -> String { brokerDirectory(id) + "/broker.log" }

    /// Optional extra `server.properties` lines for every KRaft controller (as `brokerOverrides` for brokers).
    var controllerOverrides: String { directory + "/controller-overrides.properties" }

    func controllerDirectory(_ id: Int) -> String { directory + "/controller-\(id)" }
    func controllerConfig(_ id: Int) -> String { controllerDirectory(id) + "/server.properties" }
    func controllerLogDir(_ id: Int) -> String { controllerDirectory(id) + "/logs" }
    func controllerLog(_ id: Int) -> String { controllerDirectory(id) + "/controller.log" }
}
