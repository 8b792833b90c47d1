internal import CZooKeeper
import Dispatch
import Foundation
import Glibc
import Logging

/// Logs the C client's own lines. `zookeeper_init2`'s log callback carries no context pointer, so
/// there is one process-wide logger for every handle (documented limitation).
let cLibraryLogger = Logger(label: "zookeeper.c")

/// The sole owner of a `zhandle_t`. Every raw pointer of the C client stays inside this type and the
/// completion code; it is closed exactly once.
///
/// Threading: `submit` may be called from any thread. The C client calls `onWatcherEvent` on its own
/// completion thread. `close` runs `zookeeper_close` on a thread of its own because it blocks (it
/// flushes and joins the C client's threads) and must never run on the completion thread, where it
/// would deadlock.
final class ZooKeeperHandle: @unchecked Sendable {
    /// Guards `handlePointer` and `isClosing` against use during or after `zookeeper_close`; held
    /// only while a request is handed to the C client (which serializes and queues it, never
    /// blocking on the network). `@unchecked Sendable` is justified by this lock.
    private let lock = NSLock()
    private var handlePointer: OpaquePointer?
    private var isClosing = false
    let registry = WatchRegistry()
    let broadcaster = SessionEventBroadcaster()
    let window: InFlightWindow
    /// The window of requests issued inside ``ZooKeeperClient/withBulkWindow(_:)``.
    let bulkWindow: InFlightWindow
    let logger: Logger
    /// Watch handlers run here, in event order, off the C client's thread.
    private let deliveryQueue = DispatchQueue(label: "zookeeper.watch-delivery")

    init(configuration: ZooKeeperConfiguration, logger: Logger) throws {
        self.window = InFlightWindow(capacity: max(1, configuration.maxInFlightRequests))
        self.bulkWindow = InFlightWindow(capacity: max(1, configuration.bulkInFlightRequests))
        self.logger = logger
        zoo_set_debug_level(ZooLogLevel(rawValue: UInt32(configuration.cLibraryLogLevel.rawValue)))
        // The watcher context is this object, retained until `zookeeper_close` has returned: after
        // that the C client calls nothing more.
        let context = Unmanaged.passRetained(self).toOpaque()
        var clientID = clientid_t()
        if let session = configuration.session {
            clientID.client_id = session.sessionID
            withUnsafeMutableBytes(of: &clientID.passwd) { passwd in
                for (index, byte) in session.password.prefix(16).enumerated() { passwd[index] = byte }
            }
        }
        let host = configuration.connectString.description
        let handle = withUnsafePointer(to: &clientID) { clientIDPointer in
            zookeeper_init2(
                host,
                { _, type, state, path, context in
                    guard let context else { return }
                    let handle = Unmanaged<ZooKeeperHandle>.fromOpaque(context).takeUnretainedValue()
                    handle.onWatcherEvent(type: type, state: state, path: path.map { String(cString: $0) } ?? "")
                },
                Int32(clamping: configuration.sessionTimeoutMilliseconds),
                configuration.session == nil ? nil : clientIDPointer,
                context, 0,
                { message in
                    guard let message else { return }
                    let line = String(cString: message)
                    // Lost connections are logged as errors by the C client, but they are routine
                    // (it reconnects on its own), so they are warnings here.
                    if line.contains("ZOO_ERROR"), !line.contains("retcode=-4") {
                        cLibraryLogger.error("\(line)")
                    } else if line.contains("ZOO_WARN") || line.contains("ZOO_ERROR") {
                        cLibraryLogger.warning("\(line)")
                    } else {
                        cLibraryLogger.debug("\(line)")
                    }
                })
        }
        guard let handle else {
            let error = errno
            Unmanaged<ZooKeeperHandle>.fromOpaque(context).release()
            throw ZooKeeperError(
                code: .systemError, operation: .connect, path: nil,
                detail: "zookeeper_init2(\(host)) failed: \(String(cString: strerror(error)))")
        }
        // By default the C client resolves the connect string's host names every time its I/O thread checks
        // its socket (`update_addrs` from `zookeeper_interest`): with many requests in flight that is a
        // getaddrinfo — netlink socket, interface dump — per loop turn, measured at 12–30 % of a broker's CPU
        // during a controller failover's pipelined reads (issue 14). -1 resolves only when (re)connecting, as
        // the Java client's `StaticHostProvider` does.
        zoo_set_servers_resolution_delay(handle, -1)
        lock.withLock { handlePointer = handle }
    }

    // MARK: - Requests

    /// Hands one request to the C client. `start` gets the handle and the retained context pointer
    /// and returns the `zoo_a*` result; if that is an error the context is released here.
    ///
    /// `onlyWhenConnected` (for `zoo_amulti`) refuses the request with `connectionLoss` unless the
    /// session is connected; every request is refused with the session's terminal code once the C
    /// client has marked it expired or failed. See ``SubmissionGate``.
    func submit(
        operation: ZooKeeperError.Operation, path: String?, onlyWhenConnected: Bool = false,
        configure: ((PendingCall) -> Void)? = nil,
        _ start: (OpaquePointer, UnsafeMutableRawPointer) -> Int32
    ) async throws -> CallOutcome {
        let window = ZooKeeperClient.inBulkWindow ? bulkWindow : window
        await window.acquire()
        return try await withCheckedThrowingContinuation { continuation in
            let call = PendingCall(continuation: continuation, operation: operation, path: path, window: window)
            configure?(call)
            let context = Unmanaged.passRetained(call).toOpaque()
            let rc = lock.withLock { () -> Int32 in
                guard let handle = handlePointer, !isClosing else {
                    return ZooKeeperError.Code.closing.rawValue
                }
                if let refusal = SubmissionGate.refusal(cState: zoo_state(handle), onlyWhenConnected: onlyWhenConnected) {
                    return refusal.rawValue
                }
                return start(handle, context)
            }
            if rc != 0 {
                Unmanaged<PendingCall>.fromOpaque(context).release()
                window.release()
                continuation.resume(
                    throwing: ZooKeeperError(code: .init(rawValue: rc), operation: operation, path: path))
            }
        }
    }

    /// Reads a value from the live handle, or nil once closing has begun: `zookeeper_close` frees the handle on
    /// the closing thread while `handlePointer` is still set, so only `isClosing` tells that it may be gone.
    func withHandle<T>(_ body: (OpaquePointer) -> T) -> T? {
        lock.withLock { isClosing ? nil : handlePointer.map(body) }
    }

    // MARK: - Watcher (C completion thread)

    private func onWatcherEvent(type: Int32, state cState: Int32, path: String) {
        if type == -1 {  // ZOO_SESSION_EVENT
            let newState = SessionState(cState: cState)
            guard broadcaster.publish(newState) else { return }
            logger.debug("ZooKeeper session state changed", metadata: ["state": "\(newState)"])
            if newState.isTerminal { endWatches(newState) }
            return
        }
        guard let eventType = WatchKind.eventType(cType: type) else { return }  // ZOO_NOTWATCHING_EVENT
        let event = WatchEvent(type: eventType, path: path)
        let handlers = registry.take(event)
        guard !handlers.isEmpty else { return }
        deliveryQueue.async { handlers.forEach { $0(event) } }
    }

    /// The session is over: answer every outstanding watch once with `.sessionEnded`.
    private func endWatches(_ reason: SessionState) {
        let pending = registry.takeAll()
        guard !pending.isEmpty else { return }
        deliveryQueue.async {
            for (path, handler) in pending { handler(WatchEvent(type: .sessionEnded(reason), path: path)) }
        }
    }

    // MARK: - Closing

    /// Closes the session (`zookeeper_close`): ephemerals go at once, pending requests are answered
    /// with `closing`, outstanding watches with `.sessionEnded(.closed)`. Safe to call repeatedly.
    func close() async {
        let handle = lock.withLock { () -> HandlePointer? in
            guard !isClosing, let handle = handlePointer else { return nil }
            isClosing = true
            return HandlePointer(pointer: handle)
        }
        guard let handle else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            closeOnOwnThread(handle) { continuation.resume() }
        }
    }

    /// Closing without waiting, for `deinit`.
    func closeDetached() {
        let handle = lock.withLock { () -> HandlePointer? in
            guard !isClosing, let handle = handlePointer else { return nil }
            isClosing = true
            return HandlePointer(pointer: handle)
        }
        guard let handle else { return }
        closeOnOwnThread(handle) {}
    }

    private func closeOnOwnThread(_ handle: HandlePointer, then done: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passUnretained(self)
        let thread = Thread {
            zookeeper_close(handle.pointer)
            let owner = context.takeUnretainedValue()
            owner.lock.withLock { owner.handlePointer = nil }
            owner.broadcaster.publish(.closed)
            owner.endWatches(.closed)
            done()
            context.release()  // the watcher context's retain from init
        }
        thread.name = "zookeeper-close"
        thread.start()
    }
}

/// A `zhandle_t` pointer moved to the closing thread; nothing else touches it by then.
private struct HandlePointer: @unchecked Sendable {
    let pointer: OpaquePointer
}
