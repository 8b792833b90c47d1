/// One operation of a multi-op transaction (`zoo_amulti`): all succeed or none is applied.
public enum ZooKeeperOperation: Sendable, Hashable {
    /// Create `path` (`zoo_create_op_init`).
    case create(path: String, data: [UInt8]?, acl: [ACL] = ACL.openUnsafe, mode: CreateMode = .persistent)
    /// Delete `path` if its version is `version` (-1: any) (`zoo_delete_op_init`).
    case delete(path: String, version: Int32 = -1)
    /// Set `path`'s data if its version is `version` (-1: any) (`zoo_set_op_init`).
    case setData(path: String, data: [UInt8]?, version: Int32 = -1)
    /// Fail the transaction unless `path` is at `version` (`zoo_check_op_init`). Kafka fences every
    /// controller write with a check on `/controller_epoch`'s version this way.
    case check(path: String, version: Int32)

    public var path: String {
        switch self {
        case .create(let path, _, _, _), .delete(let path, _), .setData(let path, _, _), .check(let path, _): path
        }
    }
}

/// What one op of a multi did.
public enum ZooKeeperOperationResult: Sendable, Hashable {
    /// Created; the actual path (with the sequence suffix for sequential modes).
    case created(path: String)
    case deleted
    /// Data set; the znode's new stat.
    case setData(ZNodeStat)
    case checked
    /// In a failed transaction: this op failed with `code`, or was rolled back because another op
    /// failed (`ok` for ops before the failing one, `runtimeInconsistency` for ops after it).
    case failed(ZooKeeperError.Code)
}
