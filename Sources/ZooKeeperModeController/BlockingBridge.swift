import Dispatch
import Synchronization

/// Runs async work to completion from a thread that may block: the controller event thread, which
/// Kafka also lets block on ZooKeeper (each event runs to completion before the next starts).
/// Never call it from the cooperative pool or an event loop.
enum BlockingBridge {
    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            let result: Result<T, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }
}
