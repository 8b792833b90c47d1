import Foundation
import KafkaModel

/// Follows one broker's `controller-trace.jsonl` from where it ended when the tail was made, for
/// the moment the controller has written new leaders to ZooKeeper (an applied transition to
/// OnlinePartition is recorded right after the write succeeds, before any request is sent).
///
/// The benchmark waits for this before asking brokers for metadata: polling Metadata answers of
/// many megabytes while the controller works would take CPU from it on a 2-core machine.
final class ControllerTraceTail: Sendable {
    let path: String
    let startOffset: UInt64

    init(path: String) {
        self.path = path
        let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber
        self.startOffset = size?.uint64Value ?? 0
    }

    /// Polls the trace every 20 ms until every partition of `partitions` has an applied transition
    /// to OnlinePartition after the start; returns the wall-clock ms of the last one, or nil at timeout.
    func waitForOnline(_ partitions: Set<TopicPartition>, timeout: Duration) async -> Int64? {
        let deadline = ContinuousClock.now + timeout
        var offset = startOffset
        var pending = Data()
        var seen: [TopicPartition: Int64] = [:]
        // Runs beside the caches' probe (`async let`): a scenario that fails cancels it.
        while ContinuousClock.now < deadline, !Task.isCancelled {
            if let handle = FileHandle(forReadingAtPath: path) {
                try? handle.seek(toOffset: offset)
                let data = (try? handle.readToEnd()) ?? Data()
                try? handle.close()
                offset += UInt64(data.count)
                pending.append(data)
                if let lastNewline = pending.lastIndex(of: UInt8(ascii: "\n")) {
                    let complete = pending[pending.startIndex...lastNewline]
                    pending = Data(pending[pending.index(after: lastNewline)...])
                    for line in complete.split(separator: UInt8(ascii: "\n")) {
                        Self.record(line, into: &seen, partitions)
                    }
                }
                if seen.count == partitions.count { return seen.values.max() ?? WallClock.nowMs() }
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    private static func record(_ line: Data.SubSequence, into seen: inout [TopicPartition: Int64], _ partitions: Set<TopicPartition>) {
        guard let text = String(data: Data(line), encoding: .utf8), text.contains("\"kind\":\"partition\""),
            text.contains("\"outcome\":\"applied\""), text.contains("\"to\":\"OnlinePartition\""),
            let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
            let topic = object["topic"] as? String, let partition = (object["partition"] as? NSNumber)?.int32Value,
            let time = (object["timeMs"] as? NSNumber)?.int64Value
        else { return }
        let key = TopicPartition(topic: topic, partition: partition)
        if partitions.contains(key) { seen[key] = max(seen[key] ?? 0, time) }
    }
}
