import Foundation
import Logging
import Synchronization

/// Kafka 2.8's `LogDirFailureChannel`: where the log layer reports that a log directory failed. A disk error
/// during an append, a flush, a truncation or a checkpoint write adds the directory once; the handler (the replica
/// manager's `handleLogDirFailure`, Kafka's `LogDirFailureHandler` thread) then takes every replica in it offline,
/// tells the controller and, when no directory is left, stops the broker.
///
/// Kafka hands offline dirs to its handler thread through a blocking queue; here the handler is called once per
/// directory on a thread of its own, so the thread that hit the error (holding a log's lock) never waits for it,
/// and a cooperative pool whose threads are all busy (or blocked) cannot delay taking the dir offline.
public final class LogDirFailureChannel: Sendable {
    private struct State: Sendable {
        var offline: Set<String> = []
        var handler: (@Sendable (String) -> Void)?
        var pending: [String] = []
    }

    private let state = Mutex(State())
    private let logger: Logger

    public init(logger: Logger = Logger(label: "kafka.server.LogDirFailureChannel")) {
        self.logger = logger
    }

    /// Kafka's `maybeAddOfflineLogDir`: logs the error and hands `dir` to the handler the first time only.
    public func maybeAddOfflineLogDir(_ dir: String, message: String, error: any Error) {
        let (added, handler) = state.withLock { state -> (Bool, (@Sendable (String) -> Void)?) in
            guard state.offline.insert(dir).inserted else { return (false, nil) }
            if state.handler == nil { state.pending.append(dir) }
            return (true, state.handler)
        }
        guard added else { return }
        logger.error("\(message)", metadata: ["logDir": "\(dir)", "error": "\(error)"])
        if let handler { Self.runOnHandlerThread(handler, dir) }
    }

    /// Whether `dir` failed (Kafka's `hasOfflineLogDir`).
    public func hasOfflineLogDir(_ dir: String) -> Bool { state.withLock { $0.offline.contains(dir) } }

    public var offlineLogDirs: Set<String> { state.withLock { $0.offline } }

    /// Sets the handler; directories that failed before it was set are handed to it now.
    public func setHandler(_ handler: @escaping @Sendable (String) -> Void) {
        let pending = state.withLock { state in
            state.handler = handler
            defer { state.pending = [] }
            return state.pending
        }
        for dir in pending { Self.runOnHandlerThread(handler, dir) }
    }

    private static func runOnHandlerThread(_ handler: @escaping @Sendable (String) -> Void, _ dir: String) {
        let thread = Thread { handler(dir) }
        thread.name = "LogDirFailureHandler"
        thread.start()
    }
}
