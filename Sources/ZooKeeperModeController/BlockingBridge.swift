import Dispatch
import Foundation
import KafkaController
import Synchronization
import ZooKeeper

/// Runs async work to completion from a thread that may block: the controller event thread, which
/// Kafka also lets block on ZooKeeper (each event runs to completion before the next starts).
/// Never call it from the cooperative pool or an event loop: blocking one of the pool's threads on work
/// that needs the pool can deadlock the process. Every call checks the thread (a `precondition`, kept in release
/// builds: the lookup is one thread-dictionary read against a ZooKeeper round trip, and a deadlock in production
/// is worse than a crash that names the caller).
///
/// Every ZooKeeper request the body issues counts against the session's bulk window
/// (`ZooKeeperConfiguration.bulkInFlightRequests`, 100) rather than Kafka's `zookeeper.max.in.flight.requests`
/// (10): the controller's pipelined reads and fenced multis are judged against the ensemble's rate at 100 in
/// flight (issue 14), and the broker's own ZooKeeper traffic keeps its window.
enum BlockingBridge {
    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        precondition(
            ControllerEventManager.isCurrentThreadAnEventThread,
            "BlockingBridge.run called off \(ControllerEventManager.threadName) (thread '\(Thread.current.name ?? "unnamed")')")
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            let result: Result<T, any Error>
            do { result = .success(try await ZooKeeperClient.withBulkWindow(body)) } catch { result = .failure(error) }
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }
}
