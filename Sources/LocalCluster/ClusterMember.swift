/// One process of a local cluster, named by its id within its kind (ZooKeeper `myid` or broker id).
public enum ClusterMember: Sendable, Hashable, CustomStringConvertible {
    case zookeeper(Int)
    case broker(Int)

    public var description: String {
        switch self {
        case .zookeeper(let id): "zookeeper \(id)"
        case .broker(let id): "broker \(id)"
        }
    }

    /// Builds a member from the CLI's mutually exclusive `--broker ID` / `--zookeeper ID` options.
    public static func fromOptions(broker: Int?, zookeeper: Int?) throws -> ClusterMember {
        switch (broker, zookeeper) {
        case (let broker?, nil): return .broker(broker)
        case (nil, let zookeeper?): return .zookeeper(zookeeper)
        case (nil, nil):
            throw LocalClusterError(.invalidArgument, "name the member with --broker ID or --zookeeper ID")
        case (_?, _?):
            throw LocalClusterError(.invalidArgument, "give only one of --broker ID and --zookeeper ID")
        }
    }
}
