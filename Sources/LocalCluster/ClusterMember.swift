/// One process of a local cluster, named by its id within its kind (ZooKeeper `myid`, broker id, or
/// a KRaft controller's `node.id`).
public enum ClusterMember: Sendable, Hashable, CustomStringConvertible {
    case zookeeper(Int)
    case broker(Int)
    /// A KRaft controller-only node (`process.roles=controller`).
    case controller(Int)

    public var description: String {
        switch self {
        case .zookeeper(let id): "zookeeper \(id)"
        case .broker(let id): "broker \(id)"
        case .controller(let id): "controller \(id)"
        }
    }

    /// The CLI option that names this member, e.g. `--controller 1`.
    public var option: String {
        switch self {
        case .zookeeper(let id): "--zookeeper \(id)"
        case .broker(let id): "--broker \(id)"
        case .controller(let id): "--controller \(id)"
        }
    }

    /// Builds a member from the CLI's mutually exclusive `--broker ID` / `--zookeeper ID` /
    /// `--controller ID` options.
    public static func fromOptions(broker: Int?, zookeeper: Int?, controller: Int? = nil) throws -> ClusterMember {
        let given = [broker.map(ClusterMember.broker), zookeeper.map(ClusterMember.zookeeper), controller.map(ClusterMember.controller)]
            .compactMap { $0 }
        switch given.count {
        case 1: return given[0]
        case 0:
            throw LocalClusterError(.invalidArgument, "name the member with --broker ID, --zookeeper ID or --controller ID")
        default:
            throw LocalClusterError(.invalidArgument, "give only one of --broker ID, --zookeeper ID and --controller ID")
        }
    }
}
