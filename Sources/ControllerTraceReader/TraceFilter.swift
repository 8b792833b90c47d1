import Foundation
import KafkaController
import KafkaModel

/// Which entries of a merged trace to keep.
///
/// - `topic` / `partition` keep the transitions of that topic and/or partition number, the events that caused
///   them, and every milestone (elections and broker changes frame the story).
/// - `brokerID` keeps what broker `brokerID`'s controller wrote, plus replica transitions of its replicas and
///   broker changes that name it, whoever's controller wrote them.
/// - `sinceMs` drops entries before that wall-clock time.
/// - `includeBrokerResponses` = false drops the LeaderAndIsr/UpdateMetadata response events, which follow
///   every change on the controller and otherwise dominate the timeline.
public struct TraceFilter: Sendable, Hashable {
    public var topic: String?
    public var partition: Int32?
    public var brokerID: BrokerID?
    public var sinceMs: Int64?
    public var includeBrokerResponses: Bool

    public init(
        topic: String? = nil, partition: Int32? = nil, brokerID: BrokerID? = nil, sinceMs: Int64? = nil,
        includeBrokerResponses: Bool = true
    ) {
        self.topic = topic
        self.partition = partition
        self.brokerID = brokerID
        self.sinceMs = sinceMs
        self.includeBrokerResponses = includeBrokerResponses
    }

    /// The event types that are brokers answering the controller.
    public static let brokerResponseEventTypes: Set<String> = [
        "LeaderAndIsrResponseReceived", "UpdateMetadataResponseReceived", "TopicDeletionStopReplicaResponseReceived",
    ]

    public func apply(to entries: [TraceEntry]) -> [TraceEntry] {
        let bySubject = topic != nil || partition != nil
        let keptTransitions = Set(entries.filter { entry in
            guard let transition = entry.transition else { return false }
            if let topic, transition.topic != topic { return false }
            if let partition, transition.partition != partition { return false }
            return matchesBroker(entry)
        })
        // Events that caused a kept transition, by (file, line).
        let causes = Set(keptTransitions.compactMap { entry in entry.causeLine.map { EventKey(file: entry.file, line: $0) } })
        return entries.filter { entry in
            if let sinceMs, entry.timeMs < Double(sinceMs) { return false }
            switch entry.record {
            case .transition:
                return keptTransitions.contains(entry)
            case .event(let event):
                if !includeBrokerResponses && Self.brokerResponseEventTypes.contains(event.type) { return false }
                if bySubject { return causes.contains(EventKey(file: entry.file, line: entry.line)) }
                return brokerID == nil || entry.brokerID == brokerID
            case .milestone:
                return matchesBroker(entry)
            }
        }
    }

    private func matchesBroker(_ entry: TraceEntry) -> Bool {
        guard let brokerID else { return true }
        if entry.brokerID == brokerID { return true }
        switch entry.record {
        case .transition(let transition): return transition.replica == brokerID
        case .milestone(let milestone):
            return [milestone.newBrokers, milestone.deadBrokers, milestone.bouncedBrokers]
                .contains { $0?.contains(brokerID) ?? false }
        case .event: return false
        }
    }

    private struct EventKey: Hashable {
        var file: String
        var line: Int
    }
}

/// Parses `--since` values: milliseconds since the epoch (`1700000000000`), or ISO 8601 with or without
/// fractional seconds (`2024-05-01T12:00:00Z`, `2024-05-01T12:00:00.250+02:00`).
public enum TraceTimestamp {
    public static func parseMilliseconds(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let milliseconds = Int64(trimmed) { return milliseconds }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: trimmed) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: trimmed) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        return nil
    }
}
