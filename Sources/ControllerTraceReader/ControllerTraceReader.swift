import Foundation
import KafkaController
import KafkaModel

/// Reads `controller-trace.jsonl` files and merges them into one timeline. Pure apart from reading the files.
public enum ControllerTraceReader {
    /// Parses one broker's trace text. Malformed lines become ``TraceProblem``s and are skipped; blank lines
    /// are ignored.
    public static func parse(_ text: String, brokerID: BrokerID, file: String) -> (entries: [TraceEntry], problems: [TraceProblem]) {
        let decoder = JSONDecoder()
        var records: [(line: Int, record: ControllerTraceRecord)] = []
        var problems: [TraceProblem] = []
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            do {
                records.append((lineNumber, try decoder.decode(ControllerTraceRecord.self, from: Data(line.utf8))))
            } catch {
                problems.append(TraceProblem(file: file, line: lineNumber, message: "malformed trace line skipped (\(describe(error)))"))
            }
        }
        return (place(records, brokerID: brokerID, file: file), problems)
    }

    /// Reads and merges every source's file. A missing file is listed in `missingFiles`; an unreadable one
    /// is a problem with line 0.
    public static func read(_ sources: [TraceSource]) -> MergedControllerTrace {
        var perFile: [[TraceEntry]] = []
        var problems: [TraceProblem] = []
        var missing: [String] = []
        for source in sources {
            guard FileManager.default.fileExists(atPath: source.path) else {
                missing.append(source.path)
                continue
            }
            guard let data = FileManager.default.contents(atPath: source.path) else {
                problems.append(TraceProblem(file: source.path, line: 0, message: "cannot read the file"))
                continue
            }
            let parsed = parse(String(decoding: data, as: UTF8.self), brokerID: source.brokerID, file: source.path)
            perFile.append(parsed.entries)
            problems += parsed.problems
        }
        return MergedControllerTrace(entries: merge(perFile), problems: problems, missingFiles: missing)
    }

    /// Merges per-file entry lists by time; ties keep file order within a file, then broker id.
    public static func merge(_ files: [[TraceEntry]]) -> [TraceEntry] {
        files.joined().sorted { a, b in
            if a.timeMs != b.timeMs { return a.timeMs < b.timeMs }
            if a.brokerID != b.brokerID { return a.brokerID < b.brokerID }
            if a.file != b.file { return a.file < b.file }
            return a.line < b.line
        }
    }

    /// Gives each record of one file (line number, record) its timeline position, controller epoch and (for transitions) the event
    /// that caused it. Event records are written when processing ends, after the transitions they caused, so a
    /// transition belongs to the next event record of the same file.
    public static func place(_ records: [(line: Int, record: ControllerTraceRecord)], brokerID: BrokerID, file: String) -> [TraceEntry] {
        // The cause of each transition: the next event record.
        var nextEventIndex = [Int?](repeating: nil, count: records.count)
        var upcoming: Int?
        for index in records.indices.reversed() {
            if case .event = records[index].record { upcoming = index }
            nextEventIndex[index] = upcoming
        }
        var entries: [TraceEntry] = []
        var epoch: Int32?  // this broker's controller epoch, as far as the file tells
        var epochBeforeEvent: Int32?  // the epoch when the previous event ended
        var electedSincePreviousEvent = false
        var lastTime: Double = 0
        for (index, item) in records.enumerated() {
            let time: Double
            var entryEpoch: Int32?
            var causeLine: Int?
            switch item.record {
            case .event(let event):
                time = eventStart(event)
                // A Startup without an election before it: the broker (re)started and is not controller; an
                // epoch left in the file by a killed predecessor process no longer holds.
                if event.type == "Startup" && !electedSincePreviousEvent { epoch = nil }
                entryEpoch = event.type == "Startup" ? epoch : (epoch ?? epochBeforeEvent)
                epochBeforeEvent = epoch
                electedSincePreviousEvent = false
            case .transition(let transition):
                causeLine = nextEventIndex[index].map { records[$0].line }
                if let stamped = transition.timeMs {
                    time = Double(stamped)
                } else if let cause = nextEventIndex[index], case .event(let event) = records[cause].record {
                    time = eventStart(event)
                } else {
                    time = lastTime
                }
                entryEpoch = transition.controllerEpoch
                if transition.outcome == .applied || epoch == nil { epoch = transition.controllerEpoch }
            case .milestone(let milestone):
                time = Double(milestone.timeMs)
                entryEpoch = milestone.controllerEpoch
                switch milestone.kind {
                case .elected:
                    epoch = milestone.controllerEpoch ?? epoch
                    electedSincePreviousEvent = true
                case .brokerChange, .failoverCompleted: epoch = milestone.controllerEpoch ?? epoch
                case .resigned: epoch = nil
                case .candidate, .voted, .follower: break
                }
            }
            lastTime = max(lastTime, time)
            entries.append(
                TraceEntry(
                    brokerID: brokerID, file: file, line: item.line, timeMs: time, controllerEpoch: entryEpoch,
                    causeLine: causeLine, record: item.record))
        }
        return entries
    }

    static func eventStart(_ event: ControllerEventTraceRecord) -> Double {
        Double(event.enqueueTimeMs) + event.queueWaitMs
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            return context.debugDescription
        case DecodingError.keyNotFound(let key, _):
            return "missing key '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "wrong type for '\(path)'"
        default:
            return "\(error)"
        }
    }
}
