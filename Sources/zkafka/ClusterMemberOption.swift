import ArgumentParser
import LocalCluster

/// `--broker ID | --zookeeper ID | --controller ID`: the member a fault-injection command acts on.
struct ClusterMemberOption: ParsableArguments {
    @Option(help: "A broker id.")
    var broker: Int?

    @Option(help: "A ZooKeeper server id (its myid, 1...N).")
    var zookeeper: Int?

    @Option(help: "A KRaft controller id (its node.id, 3001...3000+N).")
    var controller: Int?

    func validate() throws {
        do {
            _ = try ClusterMember.fromOptions(broker: broker, zookeeper: zookeeper, controller: controller)
        } catch let error as LocalClusterError {
            throw ValidationError(error.message)
        }
    }

    var member: ClusterMember {
        // validate() has run, so exactly one option is set.
        (try? ClusterMember.fromOptions(broker: broker, zookeeper: zookeeper, controller: controller)) ?? .zookeeper(zookeeper ?? 0)
    }
}
