import Foundation

/// A dedicated thread running periodic tasks (Kafka's `KafkaScheduler` for `kafka-log-retention`,
/// `kafka-log-flusher` and `kafka-recovery-point-checkpoint`). A thread rather than Swift tasks because
/// the work is blocking disk I/O that must not occupy the cooperative pool.
final class BackgroundScheduler: @unchecked Sendable {
    struct Job {
        var name: String
        var intervalMs: Int64
        var nextDueMs: Int64
        var action: @Sendable () -> Void
    }

    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var stopped = false
    private var running = false
    private var thread: Thread?

    private static func monotonicMs() -> Int64 { Int64(DispatchTime.now().uptimeNanoseconds / 1_000_000) }

    func start(_ tasks: [(name: String, intervalMs: Int64, action: @Sendable () -> Void)]) {
        condition.lock()
        defer { condition.unlock() }
        guard !running, !stopped else { return }
        let now = Self.monotonicMs()
        jobs = tasks.filter { $0.intervalMs > 0 && $0.intervalMs < Int64.max / 2 }.map {
            Job(name: $0.name, intervalMs: $0.intervalMs, nextDueMs: now + $0.intervalMs, action: $0.action)
        }
        running = true
        let thread = Thread { [self] in self.run() }
        thread.name = "kafka-log-scheduler"
        self.thread = thread
        thread.start()
    }

    private func run() {
        condition.lock()
        while !stopped {
            let now = Self.monotonicMs()
            if let index = jobs.indices.min(by: { jobs[$0].nextDueMs < jobs[$1].nextDueMs }) {
                if jobs[index].nextDueMs <= now {
                    let action = jobs[index].action
                    jobs[index].nextDueMs = now + jobs[index].intervalMs
                    condition.unlock()
                    action()
                    condition.lock()
                    continue
                }
                let waitMs = jobs[index].nextDueMs - now
                _ = condition.wait(until: Date(timeIntervalSinceNow: Double(waitMs) / 1000))
            } else {
                condition.wait()
            }
        }
        running = false
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the thread and waits for a task in progress to finish.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }
}
