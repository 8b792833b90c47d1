import Foundation
import Logging

/// Appends each record as one JSON object per line to a file, normally `<log.dir>/controller-trace.jsonl`,
/// writing (and so handing to the OS) every line as soon as it is recorded.
///
/// Keys are sorted so lines are stable and diffable; absent optional fields are left out. Transition records
/// without a `timeMs` get the current wall-clock time, so traces of several brokers can be merged. The file is opened
/// in append mode, so a restarted broker continues the same trace.
public final class JSONLinesControllerTraceSink: ControllerTraceSink, @unchecked Sendable {
    /// The trace file's name inside a broker's log directory.
    public static let fileName = "controller-trace.jsonl"

    /// The file being written.
    public let path: String
    private let lock = NSLock()
    private var handle: FileHandle?
    private let encoder: JSONEncoder
    private let logger: Logger

    /// Opens (creating if needed) `path` for appending.
    public init(path: String, logger: Logger = Logger(label: "kafka.controller.trace")) throws {
        self.path = path
        self.logger = logger
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            guard manager.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        self.handle = handle
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        self.encoder = encoder
    }

    /// Opens `<logDirectory>/controller-trace.jsonl`.
    public convenience init(logDirectory: String, logger: Logger = Logger(label: "kafka.controller.trace")) throws {
        try self.init(path: (logDirectory as NSString).appendingPathComponent(Self.fileName), logger: logger)
    }

    deinit { try? handle?.close() }

    public func append(_ record: ControllerTraceRecord) {
        lock.withLock {
            guard let handle else { return }
            do {
                var stamped = record
                if case .transition(var transition) = record, transition.timeMs == nil {
                    transition.timeMs = ControllerMilestoneTraceRecord.nowMs()
                    stamped = .transition(transition)
                }
                var line = try encoder.encode(stamped)
                line.append(UInt8(ascii: "\n"))
                try handle.write(contentsOf: line)
            } catch {
                logger.warning("Could not append to the controller trace", metadata: ["path": "\(path)", "error": "\(error)"])
            }
        }
    }

    /// Closes the file; later records are dropped. Idempotent.
    public func close() {
        lock.withLock {
            try? handle?.close()
            handle = nil
        }
    }
}
