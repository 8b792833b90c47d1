import ZooKeeper

/// Something a test opens and must close before it ends: a ZooKeeper session, a connection, a server.
public protocol AsyncClosable: Sendable {
    func close() async
}

extension ZooKeeperClient: AsyncClosable {}

/// Runs `body` with `resource` and always awaits `resource.close()` afterwards, also when `body`
/// throws — unlike `defer { Task { await resource.close() } }`, which lets the test end (and the
/// next one start) while the close is still in flight.
public func withClosing<Resource: AsyncClosable, Result>(
    _ resource: Resource, isolation: isolated (any Actor)? = #isolation, _ body: (Resource) async throws -> Result
) async throws -> Result {
    let result: Result
    do {
        result = try await body(resource)
    } catch {
        await resource.close()
        throw error
    }
    await resource.close()
    return result
}

/// `withClosing` for several resources of one kind, all closed (in order) afterwards.
public func withClosingAll<Resource: AsyncClosable, Result>(
    _ resources: [Resource], isolation: isolated (any Actor)? = #isolation, _ body: ([Resource]) async throws -> Result
) async throws -> Result {
    let result: Result
    do {
        result = try await body(resources)
    } catch {
        for resource in resources { await resource.close() }
        throw error
    }
    for resource in resources { await resource.close() }
    return result
}

extension RunningEnsemble {
    /// `client(...)` for the duration of `body`, closed (awaited) afterwards.
    public func withClient<Result>(
        chroot: String? = nil, sessionTimeoutMilliseconds: Int = 6_000, isolation: isolated (any Actor)? = #isolation,
        _ body: (ZooKeeperClient) async throws -> Result
    ) async throws -> Result {
        let client = try await client(chroot: chroot, sessionTimeoutMilliseconds: sessionTimeoutMilliseconds)
        return try await withClosing(client, body)
    }

    /// `isolatedClient(...)` for the duration of `body`: the client and its fresh chroot.
    public func withIsolatedClient<Result>(
        maxInFlight: Int = 10, isolation: isolated (any Actor)? = #isolation,
        _ body: (ZooKeeperClient, String) async throws -> Result
    ) async throws -> Result {
        let (client, root) = try await isolatedClient(maxInFlight: maxInFlight)
        return try await withClosing(client) { try await body($0, root) }
    }
}
