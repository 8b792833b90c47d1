import NIOPosix

/// The threads request handlers run on: Kafka's `num.io.threads` `KafkaRequestHandler` threads, as a Swift
/// `TaskExecutor`.
///
/// Without it, handlers would run on Swift's cooperative pool, which has one thread per core (two here) and is
/// shared with everything else in the broker that awaits: the controller's ZooKeeper replies, the replica
/// fetchers, the metrics endpoint. A handler that computes for long (a CreateTopics asking for 2³¹ − 1
/// partitions once did) then holds that pool and nothing else in the process makes progress — not even an
/// ApiVersions answer. On threads of their own, handlers can only delay other handlers, as in Kafka, where a
/// busy handler thread never blocks the network threads or the controller's event thread.
final class RequestHandlerThreads: TaskExecutor {
    private let pool: NIOThreadPool

    init(numberOfThreads: Int) {
        pool = NIOThreadPool(numberOfThreads: max(1, numberOfThreads))
        pool.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        pool.submit { state in
            // After shutdown (only work left behind by tasks that outlived the handler pool) the job still has to
            // run to completion somewhere: it runs here, on the thread that enqueued it.
            _ = state
            job.runSynchronously(on: executor)
        }
    }

    /// Stops the threads once the work queued so far has run.
    func shutdown() async {
        try? await pool.shutdownGracefully()
    }
}
