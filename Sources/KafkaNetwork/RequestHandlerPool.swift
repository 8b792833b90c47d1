import Logging
import NIOCore

/// `num.io.threads` workers pulling requests from the ``RequestChannel`` and running the application's handler
/// (Kafka's `KafkaRequestHandlerPool` / `KafkaRequestHandler`).
///
/// A worker does not wait for the handler to finish: it starts the handler as a child task and goes back to the
/// channel, the way Kafka's handler thread parks a Fetch or an acks=all Produce in a `DelayedOperationPurgatory`
/// and moves on. The number of handlers running or suspended at once is bounded by the channel's
/// `maxInProcessing` (a worker only gets a request when a slot is free), so slow handlers cannot pile up without
/// limit, and a long-poll never holds a worker.
final class RequestHandlerPool: Sendable {
    private let channel: RequestChannel
    private let handler: any KafkaRequestHandler
    private let numWorkers: Int
    private let logger: Logger
    private let requestMetrics: RequestMetrics

    init(
        channel: RequestChannel, handler: any KafkaRequestHandler, numWorkers: Int, logger: Logger,
        requestMetrics: RequestMetrics = RequestMetrics()
    ) {
        self.channel = channel
        self.handler = handler
        self.numWorkers = numWorkers
        self.logger = logger
        self.requestMetrics = requestMetrics
    }

    /// Runs the workers until the channel is closed and every started handler has returned.
    func run() async {
        await withDiscardingTaskGroup { group in
            for workerID in 0..<numWorkers {
                group.addTask { await self.runWorker(workerID) }
            }
        }
    }

    private func runWorker(_ workerID: Int) async {
        await withDiscardingTaskGroup { handlers in
            while let request = await channel.receive() {
                handlers.addTask { await self.process(request) }
            }
        }
        logger.trace("request handler worker stopped", metadata: ["worker": "\(workerID)"])
    }

    private func process(_ request: NetworkRequest) async {
        // Kafka still processes requests of connections closed meanwhile; skipping them saves work, nobody reads
        // the answer.
        guard request.channel.isActive else {
            channel.completed()
            return
        }
        let dequeuedAt = NIODeadline.now().uptimeNanoseconds
        requestMetrics.recordQueueTime(
            request.context.header, nanoseconds: Int64(clamping: dequeuedAt &- request.receivedAtNanoseconds))
        let action = await handler.handle(request.frame, context: request.context)
        requestMetrics.recordLocalTime(
            request.context.header, nanoseconds: Int64(clamping: NIODeadline.now().uptimeNanoseconds &- dequeuedAt))
        // Release the slot before the response can unmute the connection, so one connection never counts twice.
        channel.completed()
        request.channel.writeAndFlush(action, promise: nil)
    }
}
