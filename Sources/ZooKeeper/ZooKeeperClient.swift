internal import CZooKeeper
import Foundation
import Logging

/// An asynchronous ZooKeeper client over the C client `libzookeeper_mt`.
///
/// Every operation is an `async throws` function backed by the C client's *asynchronous* API
/// (`zoo_acreate`, `zoo_aget`, ...): no thread is blocked per call, and up to
/// ``ZooKeeperConfiguration/maxInFlightRequests`` requests are pipelined on the session at once;
/// further callers wait for a slot (back-pressure, as Kafka's `ZooKeeperClient` does with its
/// in-flight semaphore).
///
/// One client is one session. The C client reconnects to another ensemble member by itself while the
/// session lives (``SessionState/connecting`` then ``SessionState/connected`` again). When the
/// session expires the client is finished: ``sessionEvents()`` reports ``SessionState/expired`` and
/// the owner opens a new client, as Kafka's `ZooKeeperClient.reinitialize` does.
public final class ZooKeeperClient: Sendable {
    let handle: ZooKeeperHandle
    public let configuration: ZooKeeperConfiguration

    /// Starts connecting; returns at once. See ``connect(_:timeout:logger:)`` to wait for a session.
    public init(configuration: ZooKeeperConfiguration, logger: Logger = Logger(label: "zookeeper")) throws {
        self.configuration = configuration
        self.handle = try ZooKeeperHandle(configuration: configuration, logger: logger)
    }

    /// Opens a session and waits until it is connected.
    public static func connect(
        _ configuration: ZooKeeperConfiguration, timeout: Duration = .seconds(30),
        logger: Logger = Logger(label: "zookeeper")
    ) async throws -> ZooKeeperClient {
        let client = try ZooKeeperClient(configuration: configuration, logger: logger)
        do {
            try await client.waitUntilConnected(timeout: timeout)
        } catch {
            await client.close()
            throw error
        }
        return client
    }

    deinit {
        handle.closeDetached()
    }

    // MARK: - Session

    /// The session's current state.
    public var state: SessionState { handle.broadcaster.current }

    /// A stream of session state changes, starting with the current state. It finishes after a
    /// terminal state (expired, auth failed, closed).
    public func sessionEvents() -> AsyncStream<SessionEvent> { handle.broadcaster.subscribe() }

    /// Waits until the session is connected. Throws `operationTimeout` after `timeout`, or the
    /// session's terminal state as an error (`sessionExpired`, `authFailed`, `closing`).
    public func waitUntilConnected(timeout: Duration) async throws {
        let events = sessionEvents()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in events {
                    switch event.state {
                    case .connected, .connectedReadOnly: return
                    case .expired: throw ZooKeeperError(code: .sessionExpired, operation: .connect)
                    case .authFailed: throw ZooKeeperError(code: .authFailed, operation: .connect)
                    case .closed: throw ZooKeeperError(code: .closing, operation: .connect)
                    case .connecting, .associating: continue
                    }
                }
                throw ZooKeeperError(code: .closing, operation: .connect)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw ZooKeeperError(
                    code: .operationTimeout, operation: .connect,
                    detail: "no session with \(self.configuration.connectString) within \(timeout)")
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// The session id and password (`zoo_client_id`); another handle can resume the session with them.
    public var session: SessionCredentials? {
        handle.withHandle { pointer -> SessionCredentials? in
            guard let id = zoo_client_id(pointer)?.pointee, id.client_id != 0 else { return nil }
            var password = id.passwd
            let bytes = withUnsafeBytes(of: &password) { Array($0) }
            return SessionCredentials(sessionID: id.client_id, password: bytes)
        } ?? nil
    }

    /// The session timeout the server negotiated, in milliseconds (`zoo_recv_timeout`).
    public var negotiatedSessionTimeoutMilliseconds: Int? {
        handle.withHandle { Int(zoo_recv_timeout($0)) }
    }

    /// The ensemble member the session is connected to now, if any (`zookeeper_get_connected_host`).
    public var connectedServer: ConnectString.Host? {
        handle.withHandle { pointer -> ConnectString.Host? in
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let found = withUnsafeMutablePointer(to: &storage) { storagePointer in
                storagePointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    zookeeper_get_connected_host(pointer, $0, &length) != nil
                }
            }
            guard found else { return nil }
            return Self.host(from: &storage)
        } ?? nil
    }

    private static func host(from storage: inout sockaddr_storage) -> ConnectString.Host? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    var raw = address.pointee.sin_addr
                    inet_ntop(AF_INET, &raw, &buffer, socklen_t(buffer.count))
                    return ConnectString.Host(
                        host: buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }, port: Int(UInt16(bigEndian: address.pointee.sin_port)))
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var raw = address.pointee.sin6_addr
                    inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count))
                    return ConnectString.Host(
                        host: buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }, port: Int(UInt16(bigEndian: address.pointee.sin6_port)))
                }
            }
        default:
            return nil
        }
    }

    /// Closes the session (`zookeeper_close`): its ephemeral znodes are deleted at once, pending
    /// requests fail with `closing`, outstanding watches get ``WatchEvent/EventType/sessionEnded(_:)``.
    /// Safe to call more than once.
    public func close() async {
        await handle.close()
    }

    /// Watch handlers still waiting to fire (diagnostics and tests).
    public var pendingWatchCount: Int { handle.registry.count }
}

extension ZooKeeperClient {
    /// Whether requests of the current task (and its child tasks) use the bulk window.
    @TaskLocal static var inBulkWindow = false

    /// Runs `body` with every request it issues (including from child tasks) counted against the
    /// session's bulk window (``ZooKeeperConfiguration/bulkInFlightRequests``) instead of the ordinary
    /// one, so bulk pipelined work keeps the ensemble busy without starving ordinary callers.
    public static func withBulkWindow<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        try await $inBulkWindow.withValue(true) { try await body() }
    }
}
