import Foundation
import LocalCluster
import Logging
import ServiceLifecycle
import Synchronization

/// Runs a command that brings up a local cluster (`zkafka demo`, `zkafka chaos`) as a swift-service-lifecycle
/// service: Ctrl-C or SIGTERM (the `ServiceGroup`'s graceful-shutdown signals) tear the cluster down — it runs
/// in its own sessions and would otherwise outlive the command — and exit 130, as a shell reports an
/// interrupted command.
enum ClusterInterruption {
    static func run<Value: Sendable>(
        cluster: LocalCluster, _ body: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let result = ResultBox<Value>()
        let service = ClosureService {
            let value = try await withGracefulShutdownHandler {
                try await body()
            } onGracefulShutdown: {
                FileHandle.standardError.write(Data("\nInterrupted: tearing the cluster down…\n".utf8))
                try? cluster.down()
                FileHandle.standardError.write(Data("Cluster in \(cluster.directory) stopped.\n".utf8))
                Foundation.exit(130)
            }
            result.value.withLock { $0 = value }
        }
        // The command finishing is the normal end, not a service stopping unexpectedly: the group then shuts
        // down gracefully instead of throwing ServiceGroupError.serviceFinishedUnexpectedly.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: Logger(label: "zkafka.interruption", factory: { _ in SwiftLogNoOpLogHandler() })))
        try await group.run()
        guard let value = result.value.withLock({ $0 }) else { throw CancellationError() }
        return value
    }

    private final class ResultBox<Value: Sendable>: Sendable {
        let value = Mutex<Value?>(nil)
    }
}
