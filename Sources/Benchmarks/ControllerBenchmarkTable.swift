import Foundation

/// The printed tables of `zkafka bench controller`: one per scenario, a row per partition count,
/// the target beside each figure and whether it was met.
public enum ControllerBenchmarkTable {
    public static func render(_ results: [ControllerBenchmarkResult]) -> String {
        var sections: [String] = []
        sections.append(table(
            title: "Ensemble limits (same cluster, before topics; pipelined, window 100) and topic creation",
            header: ["N", "ZK reads/s", "ZK writes/s", "N reads take", "create N (to all caches)"],
            results: results
        ) { row in
            [
                rate(row.ensembleReadsPerSecond), rate(row.ensembleWritesPerSecond),
                seconds(row.ensembleReadsPerSecond.map { Double(row.partitions) / $0 }), seconds(row.creationSeconds),
            ]
        })
        sections.append(table(
            title: "Controller failover (kill -9 of the active controller; detection = its /controller znode gone, i.e. ZooKeeper session expiry)",
            header: ["N", "kill→detect", "new controller", "context load", "state machines", "requests answered", "metadata on all brokers", "target 1.25×N reads", "÷ target", "÷ N reads", "met", "kill→metadata"],
            results: results
        ) { row in
            [
                seconds(row.controllerDetectionSeconds), seconds(row.newControllerSeconds), seconds(row.contextLoadSeconds),
                seconds(row.stateMachinesSeconds), seconds(row.requestsAnsweredSeconds),
                seconds(row.failoverMetadataSeconds), seconds(row.failoverTargetSeconds),
                ratio(row.failoverRatioToTarget), ratio(row.failoverRatioToEnsembleBound),
                verdict(row.failoverMetadataSeconds, row.failoverTargetSeconds), seconds(row.failoverFromKillSeconds),
            ]
        })
        if results.contains(where: { $0.failoverEnsembleSeconds != nil }) {
            sections.append(table(
                title: "Failover against the ensemble on the populated tree (measured just before the kill: the N partition-state reads, and the failover's partition writes in fenced multis of 100)",
                header: ["N", "N state reads", "multi writes/s", "partitions written", "reads + writes", "metadata on all brokers", "÷ reads + writes"],
                results: results
            ) { row in
                [
                    seconds(row.failoverStateReadSeconds), rate(row.failoverMultiWritesPerSecond),
                    row.failoverPartitionWrites.map(String.init) ?? "-", seconds(row.failoverEnsembleSeconds),
                    seconds(row.failoverMetadataSeconds), ratio(row.failoverRatioToReadsAndWrites),
                ]
            })
        }
        sections.append(table(
            title: "Broker death (kill -9 of a non-controller broker; times from /brokers/ids/N gone)",
            header: ["N", "led", "kill→detect", "re-led in ZK", "re-led in caches", "target", "met"],
            results: results
        ) { row in
            let target = row.deadBrokerLed.map { 2 * max(1, Double($0) / 10_000) }
            return [
                row.deadBrokerLed.map(String.init) ?? "-", seconds(row.brokerDetectionSeconds),
                seconds(row.releadZooKeeperSeconds), seconds(row.releadCachesSeconds),
                target.map { String(format: "< %.2f s", $0) } ?? "-", verdict(row.releadCachesSeconds, target),
            ]
        })
        sections.append(table(
            title: "Controlled shutdown (SIGTERM of a non-controller broker; until no other cache shows it leading)",
            header: ["N", "led", "moved in ZK", "moved in caches", "target", "met", "process gone"],
            results: results
        ) { row in
            let target = row.shutdownBrokerLed.map { 3 * max(1, Double($0) / 10_000) }
            return [
                row.shutdownBrokerLed.map(String.init) ?? "-", seconds(row.controlledShutdownZooKeeperSeconds),
                seconds(row.controlledShutdownSeconds),
                target.map { String(format: "< %.2f s", $0) } ?? "-", verdict(row.controlledShutdownSeconds, target),
                seconds(row.shutdownExitSeconds),
            ]
        })
        sections.append(table(
            title: "Peak memory (VmHWM, max over each broker's incarnations)",
            header: ["N", "broker 1", "broker 2", "broker 3", "controllers", "controller peak", "target", "met"],
            results: results
        ) { row in
            let limit = 300.0 * 1024 * 1024
            let largest = row.peakResidentBytes.values.max()
            return [
                megabytes(row.peakResidentBytes[1]), megabytes(row.peakResidentBytes[2]), megabytes(row.peakResidentBytes[3]),
                row.controllers.isEmpty ? "-" : row.controllers.map(String.init).joined(separator: "→"),
                megabytes(row.controllerPeakResidentBytes), "< 300 MB",
                verdict(largest.map(Double.init), largest == nil ? nil : limit),
            ]
        })
        var text = sections.joined(separator: "\n\n")
        text += "\n\nTargets for broker death (2 s) and controlled shutdown (3 s) are for a broker leading 10,000"
        text += " partitions: the same bound for fewer, scaled linearly for more."
        let notes = results.flatMap(\.notes) + results.compactMap { row in row.skipped.map { "N=\(row.partitions): \($0)" } }
        if !notes.isEmpty { text += "\n" + notes.map { "note: \($0)" }.joined(separator: "\n") }
        return text
    }

    static func table(
        title: String, header: [String], results: [ControllerBenchmarkResult],
        cells: (ControllerBenchmarkResult) -> [String]
    ) -> String {
        var rows = [header]
        for result in results {
            if let skipped = result.skipped {
                rows.append([String(result.partitions), skipped.hasPrefix("not run") ? "not run" : "failed"])
            } else {
                rows.append([String(result.partitions)] + cells(result))
            }
        }
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        let lines = rows.map { row in
            row.enumerated().map { $1.leftPadded(widths[$0]) }.joined(separator: "  ")
        }
        return ([title] + lines).joined(separator: "\n")
    }

    static func seconds(_ value: Double?) -> String { value.map { String(format: "%.2f s", $0) } ?? "-" }
    static func ratio(_ value: Double?) -> String { value.map { String(format: "%.2f×", $0) } ?? "-" }
    static func rate(_ value: Double?) -> String { value.map { String(format: "%.0f", $0) } ?? "-" }
    static func megabytes(_ bytes: Int?) -> String { bytes.map { String(format: "%.0f MB", Double($0) / 1_048_576) } ?? "-" }
    static func verdict(_ value: Double?, _ target: Double?) -> String {
        guard let value, let target else { return "-" }
        return value <= target ? "yes" : "no"
    }
}
