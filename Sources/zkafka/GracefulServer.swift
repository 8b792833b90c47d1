import ArgumentParser
import Logging
import ServiceLifecycle

/// A server process's life as one swift-service-lifecycle `Service`: start, run until SIGTERM or SIGINT
/// (the `ServiceGroup`'s graceful-shutdown signals), then stop cleanly. This is what Kafka's
/// `kafka-server-start.sh` gets from the JVM shutdown hook `Kafka.main` installs: SIGTERM runs
/// `KafkaServer.shutdown()` — for a ZooKeeper-mode broker, controlled shutdown first — and the process
/// exits 0. A second signal during the shutdown changes nothing (the group is already shutting down).
struct GracefulServer: Service {
    /// Whether a signal during `start` cancels it (a KRaft broker still registering or catching up) instead
    /// of letting it finish first.
    let cancelStartOnSignal: Bool
    let start: @Sendable () async throws -> Void
    let stop: @Sendable () async -> Void

    func run() async throws {
        if cancelStartOnSignal {
            try await cancelWhenGracefulShutdown(start)
        } else {
            try await start()
        }
        // Returns once a signal arrives (also one that came during `start`); throws only if the group
        // is cancelled, and the server must be stopped then too.
        try? await gracefulShutdown()
        await stop()
    }

    /// Starts, waits for SIGTERM or SIGINT, stops. A start that fails is logged as Kafka's `Kafka.main` logs it
    /// ("Fatal error during <server> startup. Prepare to shutdown"), `stop` cleans up what it got to, and the
    /// process exits 1; a start cancelled by a signal (`cancelStartOnSignal`) is stopped and exits 0.
    static func run(
        _ serverName: String, logger: Logger, cancelStartOnSignal: Bool = false,
        start: @escaping @Sendable () async throws -> Void, stop: @escaping @Sendable () async -> Void
    ) async throws {
        let startOrFail: @Sendable () async throws -> Void = {
            do {
                try await start()
            } catch is CancellationError where cancelStartOnSignal {
                logger.info("Stopped while starting up")
            } catch {
                logger.error("Fatal error during \(serverName) startup. Prepare to shutdown: \(error)")
                await stop()
                throw ExitCode.failure
            }
        }
        let server = GracefulServer(cancelStartOnSignal: cancelStartOnSignal, start: startOrFail, stop: stop)
        let group = ServiceGroup(
            services: [server], gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        try await group.run()
    }
}
