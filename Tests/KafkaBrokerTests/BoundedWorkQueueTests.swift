import Synchronization
import Testing

@testable import KafkaBroker

@Suite("Bounded work queue for ISR expansion writes", .tags(.unit))
struct BoundedWorkQueueTests {
    @Test("at most `limit` jobs start; each finish starts the oldest waiting job, in arrival order")
    func schedule() {
        var schedule = BoundedWorkSchedule<Int>(limit: 2)
        #expect(schedule.submit(1) == 1)
        #expect(schedule.submit(2) == 2)
        #expect(schedule.submit(3) == nil)
        #expect(schedule.submit(4) == nil)
        #expect(schedule.waitingCount == 2)
        #expect(schedule.finished() == 3)
        #expect(schedule.running == 2)
        #expect(schedule.finished() == 4)
        #expect(schedule.finished() == nil)
        #expect(schedule.running == 1)
        #expect(schedule.finished() == nil)
        #expect(schedule.running == 0)
        #expect(schedule.submit(5) == 5)
    }

    @Test("a long queue drains completely and keeps its order")
    func longQueue() {
        var schedule = BoundedWorkSchedule<Int>(limit: 1)
        #expect(schedule.submit(0) == 0)
        for job in 1..<5_000 { #expect(schedule.submit(job) == nil) }
        var order: [Int] = []
        while let next = schedule.finished() { order.append(next) }
        #expect(order == Array(1..<5_000))
        #expect(schedule.running == 0)
        #expect(schedule.waitingCount == 0)
    }

    @Test("200 jobs submitted at once: all run, never more than 10 at a time", .timeLimit(.minutes(1)))
    func concurrencyBound() async throws {
        struct Counters { var running = 0, peak = 0, done = 0 }
        let counters = Mutex(Counters())
        let queue = BoundedWorkQueue(limit: 10)
        for _ in 0..<200 {
            queue.submit {
                counters.withLock { $0.running += 1; $0.peak = max($0.peak, $0.running) }
                try? await Task.sleep(for: .milliseconds(2))
                counters.withLock { $0.running -= 1; $0.done += 1 }
            }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while counters.withLock({ $0.done }) < 200, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let final = counters.withLock { $0 }
        #expect(final.done == 200)
        #expect(final.peak <= 10)
        #expect(final.peak >= 2, "jobs do run concurrently")
    }
}
