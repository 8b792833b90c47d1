internal import CZooKeeper

/// The znode operations. Each wraps one asynchronous C call and names it.
extension ZooKeeperClient {
    /// Creates a znode and returns its actual path (with the sequence suffix for sequential modes).
    /// Wraps `zoo_acreate`.
    public func create(
        _ path: String, data: [UInt8]?, acl: [ACL] = ACL.openUnsafe, mode: CreateMode = .persistent
    ) async throws -> String {
        let outcome = try await handle.submit(operation: .create, path: path) { zh, context in
            // The vector must outlive the call (Swift may otherwise free it after its last use).
            let vector = CACLVector(acl)
            defer { withExtendedLifetime(vector) {} }
            return withOptionalBytes(data) { bytes, count in
                zoo_acreate(
                    zh, path, bytes, count, vector.vector, mode.rawValue,
                    { rc, value, context in
                        PendingCall.complete(context, rc) { call in
                            .string(value.map { String(cString: $0) } ?? call.path ?? "")
                        }
                    }, context)
            }
        }
        guard case .string(let created) = outcome else { preconditionFailure("create got \(outcome)") }
        return created
    }

    /// Reads a znode's data and stat. With `watch`, leaves a one-shot data watch that fires the
    /// handler on a change or deletion. Wraps `zoo_aget`.
    public func getData(_ path: String, watch: WatchHandler? = nil) async throws -> (data: [UInt8]?, stat: ZNodeStat) {
        let outcome = try await watched(path, kind: .data, handler: watch) {
            try await handle.submit(operation: .getData, path: path) { zh, context in
                zoo_aget(
                    zh, path, watch == nil ? 0 : 1,
                    { rc, value, length, stat, context in
                        PendingCall.complete(context, rc) { _ in .data(copyBytes(value, length), ZNodeStat(stat)) }
                    }, context)
            }
        }
        guard case .data(let data, let stat) = outcome else { preconditionFailure("getData got \(outcome)") }
        return (data, stat)
    }

    /// Writes a znode's data if its version is `version` (-1: whatever it is) and returns the new
    /// stat; a stale version fails with `badVersion`. Wraps `zoo_aset`.
    @discardableResult
    public func setData(_ path: String, data: [UInt8]?, version: Int32 = -1) async throws -> ZNodeStat {
        let outcome = try await handle.submit(operation: .setData, path: path) { zh, context in
            withOptionalBytes(data) { bytes, count in
                zoo_aset(
                    zh, path, bytes, count, version,
                    { rc, stat, context in PendingCall.complete(context, rc) { _ in .stat(ZNodeStat(stat)) } },
                    context)
            }
        }
        guard case .stat(let stat) = outcome else { preconditionFailure("setData got \(outcome)") }
        return stat
    }

    /// Deletes a znode if its version is `version` (-1: any). Wraps `zoo_adelete`.
    public func delete(_ path: String, version: Int32 = -1) async throws {
        _ = try await handle.submit(operation: .delete, path: path) { zh, context in
            zoo_adelete(zh, path, version, { rc, context in PendingCall.complete(context, rc) { _ in .none } }, context)
        }
    }

    /// The znode's stat, or nil if it does not exist. With `watch`, leaves a one-shot exists watch,
    /// which on a missing znode fires when it is created. Wraps `zoo_aexists`.
    public func exists(_ path: String, watch: WatchHandler? = nil) async throws -> ZNodeStat? {
        do {
            let outcome = try await watched(path, kind: .exists, handler: watch) {
                try await handle.submit(operation: .exists, path: path) { zh, context in
                    zoo_aexists(
                        zh, path, watch == nil ? 0 : 1,
                        { rc, stat, context in PendingCall.complete(context, rc) { _ in .stat(ZNodeStat(stat)) } },
                        context)
                }
            }
            guard case .stat(let stat) = outcome else { preconditionFailure("exists got \(outcome)") }
            return stat
        } catch let error as ZooKeeperError where error.code == .noNode {
            return nil
        }
    }

    /// The znode's children (names, not paths) and its stat. With `watch`, leaves a one-shot child
    /// watch. Wraps `zoo_aget_children2`.
    public func getChildren(_ path: String, watch: WatchHandler? = nil) async throws -> (children: [String], stat: ZNodeStat) {
        let outcome = try await watched(path, kind: .child, handler: watch) {
            try await handle.submit(operation: .getChildren, path: path) { zh, context in
                zoo_aget_children2(
                    zh, path, watch == nil ? 0 : 1,
                    { rc, strings, stat, context in
                        PendingCall.complete(context, rc) { _ in .children(copyStrings(strings), ZNodeStat(stat)) }
                    }, context)
            }
        }
        guard case .children(let children, let stat) = outcome else { preconditionFailure("getChildren got \(outcome)") }
        return (children, stat)
    }

    /// Runs `operations` as one transaction: all are applied or none. Returns each op's result; if
    /// one fails, throws a ``ZooKeeperError`` whose `code` is that op's, whose `path` is its path,
    /// and whose `multiResults` hold every op's result. Wraps `zoo_amulti`.
    @discardableResult
    public func multi(_ operations: [ZooKeeperOperation]) async throws -> [ZooKeeperOperationResult] {
        let storage = MultiOperationStorage(operations)
        let outcome = try await handle.submit(
            operation: .multi, path: operations.first?.path, onlyWhenConnected: true,
            configure: { $0.multiStorage = storage }
        ) { zh, context in
            zoo_amulti(
                zh, Int32(storage.count), storage.ops, storage.cResults,
                { rc, context in
                    PendingCall.complete(context, rc) { call in .multi(call.multiStorage?.results() ?? []) }
                }, context)
        }
        guard case .multi(let results) = outcome else { preconditionFailure("multi got \(outcome)") }
        return results
    }

    /// Waits until the server this session talks to has caught up with the leader for `path`, so a
    /// following read sees every write committed before the call. Wraps `zoo_async`.
    public func sync(_ path: String = "/") async throws {
        _ = try await handle.submit(operation: .sync, path: path) { zh, context in
            zoo_async(zh, path, { rc, _, context in PendingCall.complete(context, rc) { _ in .none } }, context)
        }
    }

    /// Adds an authentication identity to the session, such as `digest` with `user:password`
    /// (zkCli's `addauth`). Wraps `zoo_add_auth`.
    public func addAuth(scheme: String, credentials: [UInt8]) async throws {
        _ = try await handle.submit(operation: .addAuth, path: nil) { zh, context in
            withOptionalBytes(credentials) { bytes, count in
                zoo_add_auth(
                    zh, scheme, bytes, count, { rc, context in PendingCall.complete(context, rc) { _ in .none } },
                    context)
            }
        }
    }

    /// Digest authentication as `user:password`.
    public func addDigestAuth(user: String, password: String) async throws {
        try await addAuth(scheme: "digest", credentials: Array("\(user):\(password)".utf8))
    }

    /// The znode's ACL and stat. Wraps `zoo_aget_acl`.
    public func getACL(_ path: String) async throws -> (acl: [ACL], stat: ZNodeStat) {
        let outcome = try await handle.submit(operation: .getACL, path: path) { zh, context in
            zoo_aget_acl(
                zh, path,
                { rc, acl, stat, context in
                    PendingCall.complete(context, rc) { _ in .acl(copyACLs(acl), ZNodeStat(stat)) }
                }, context)
        }
        guard case .acl(let acl, let stat) = outcome else { preconditionFailure("getACL got \(outcome)") }
        return (acl, stat)
    }

    /// Replaces the znode's ACL if its ACL version is `version` (-1: any). Wraps `zoo_aset_acl`.
    public func setACL(_ path: String, acl: [ACL], version: Int32 = -1) async throws {
        _ = try await handle.submit(operation: .setACL, path: path) { zh, context in
            let vector = CACLVector(acl)
            defer { withExtendedLifetime(vector) {} }
            return zoo_aset_acl(
                zh, path, version, vector.vector, { rc, context in PendingCall.complete(context, rc) { _ in .none } },
                context)
        }
    }

    // MARK: - Helpers

    /// Registers `handler` before the request is sent, and withdraws it if no watch was set: reads
    /// that fail set none, except `exists` on a missing node, which leaves a creation watch.
    private func watched(
        _ path: String, kind: WatchKind, handler: WatchHandler?, _ request: () async throws -> CallOutcome
    ) async throws -> CallOutcome {
        guard let handler else { return try await request() }
        let registration = handle.registry.register(path: path, kind: kind, handler: handler)
        do {
            return try await request()
        } catch let error as ZooKeeperError {
            if !(kind == .exists && error.code == .noNode) { handle.registry.cancel(registration) }
            throw error
        }
    }

    /// Creates a znode and any missing parents (persistent, empty), like Kafka's
    /// `KafkaZkClient.makeSurePersistentPathExists`. Existing znodes are left as they are.
    public func createRecursive(_ path: String, data: [UInt8]? = nil, acl: [ACL] = ACL.openUnsafe) async throws {
        var prefix = ""
        let parts = path.split(separator: "/")
        for (index, part) in parts.enumerated() {
            prefix += "/" + part
            do {
                _ = try await create(prefix, data: index == parts.count - 1 ? data : nil, acl: acl)
            } catch let error as ZooKeeperError where error.code == .nodeExists {
                continue
            }
        }
    }
}

/// Passes `data` to C as a `(pointer, length)` pair; nil data is `(NULL, -1)`, which ZooKeeper
/// stores as a znode without data.
func withOptionalBytes<R>(_ data: [UInt8]?, _ body: (UnsafePointer<CChar>?, Int32) -> R) -> R {
    guard let data else { return body(nil, -1) }
    return data.withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress, Int32(buffer.count)) }
    }
}
