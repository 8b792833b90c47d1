import NIOCore
import Synchronization

/// Which queued jobs may start: at most `limit` run at once, the rest wait in arrival order. A
/// value type so the rule is tested without tasks.
struct BoundedWorkSchedule<Job> {
    private(set) var limit: Int
    private(set) var running = 0
    private var waiting = CircularBuffer<Job>()

    init(limit: Int) { self.limit = max(1, limit) }

    var waitingCount: Int { waiting.count }

    /// Changes the window; returns the waiting jobs that may start now (a larger window).
    mutating func setLimit(_ newLimit: Int) -> [Job] {
        limit = max(1, newLimit)
        var started: [Job] = []
        while running < limit, let next = waiting.popFirst() {
            running += 1
            started.append(next)
        }
        return started
    }

    /// Takes a job; returns it when it may start now, nil when it waits.
    mutating func submit(_ job: Job) -> Job? {
        if running < limit {
            running += 1
            return job
        }
        waiting.append(job)
        return nil
    }

    /// A job finished; returns the next waiting job, which takes its place, if any.
    mutating func finished() -> Job? {
        if let next = waiting.popFirst() { return next }
        running -= 1
        return nil
    }
}

/// Runs async jobs with at most `limit` in flight. A leader whose followers all caught up at once
/// (100,000 partitions after a restart) used to start one task per ISR expansion, each holding its
/// update and a ZooKeeper or AlterIsr request; this keeps a small window in flight. Kafka 2.8 is
/// bounded too: its ZkIsrManager writes each change synchronously on a request handler thread (at
/// most `num.io.threads` at once) and its AlterIsrManager keeps one AlterIsr request in flight.
final class BoundedWorkQueue: Sendable {
    typealias Job = @Sendable () async -> Void
    private let schedule: Mutex<BoundedWorkSchedule<Job>>

    init(limit: Int) { schedule = Mutex(BoundedWorkSchedule(limit: limit)) }

    /// Changes how many jobs may run at once (jobs already running keep running).
    func setLimit(_ limit: Int) {
        for job in schedule.withLock({ $0.setLimit(limit) }) { run(job) }
    }

    func submit(_ job: @escaping Job) {
        guard let start = schedule.withLock({ $0.submit(job) }) else { return }
        run(start)
    }

    private func run(_ job: @escaping Job) {
        Task {
            var current: Job? = job
            // The task that finishes a job runs the next waiting one: no task is created per queued job.
            while let next = current {
                await next()
                current = schedule.withLock { $0.finished() }
            }
        }
    }
}
