import Foundation
import KafkaController
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
private func closeDescriptor(_ descriptor: Int32) { _ = Glibc.close(descriptor) }
#elseif canImport(Darwin)
import Darwin
private func closeDescriptor(_ descriptor: Int32) { _ = Darwin.close(descriptor) }
#endif

/// Appends each record as one JSON object per line to a file, normally `<log.dir>/controller-trace.jsonl`.
///
/// Lines are encoded by ``ControllerTraceLineEncoder`` (the bytes `JSONEncoder` would produce: keys sorted so
/// lines are stable and diffable, absent optional fields left out) into an in-memory buffer, and reach the file
/// at the end of each controller event: the event manager calls ``flush()`` after every event it processes or
/// preempts. A broker change over 100,000 partitions records 100,000+ transitions in one event; buffering makes
/// that one `write(2)` per event (or per 64 KiB) instead of one per transition. The buffer is also written
/// when it exceeds 64 KiB, with every milestone record, and on ``close()``. Readers tailing the file (the
/// benchmark, `zkafka trace`) therefore see each event's lines together, as soon as the event is done. A crash
/// loses at most the lines of the event in progress.
///
/// Transition records without a `timeMs` get the current wall-clock time when appended, so traces of several
/// brokers can be merged. The file is opened in append mode, so a restarted broker continues the same trace.
public final class JSONLinesControllerTraceSink: ControllerTraceSink {
    /// The trace file's name inside a broker's log directory.
    public static let fileName = "controller-trace.jsonl"

    /// Buffered bytes beyond which ``append(_:)`` writes the buffer out.
    public static let flushThreshold = 64 * 1024

    /// The file being written.
    public let path: String
    private let logger: Logger
    private let state: Mutex<State>

    private struct State {
        /// -1 once closed.
        var descriptor: Int32
        var buffer: [UInt8]
    }

    /// Opens (creating if needed) `path` for appending.
    public init(path: String, logger: Logger = Logger(label: "kafka.controller.trace")) throws {
        self.path = path
        self.logger = logger
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(Self.flushThreshold + 4096)
        state = Mutex(State(descriptor: descriptor, buffer: buffer))
    }

    /// Opens `<logDirectory>/controller-trace.jsonl`.
    public convenience init(logDirectory: String, logger: Logger = Logger(label: "kafka.controller.trace")) throws {
        try self.init(path: (logDirectory as NSString).appendingPathComponent(Self.fileName), logger: logger)
    }

    deinit { close() }

    public func append(_ record: ControllerTraceRecord) {
        state.withLock { state in
            guard state.descriptor >= 0 else { return }
            var stamped = record
            if case .transition(var transition) = record, transition.timeMs == nil {
                transition.timeMs = ControllerMilestoneTraceRecord.nowMs()
                stamped = .transition(transition)
            }
            do {
                try ControllerTraceLineEncoder.appendLine(stamped, to: &state.buffer)
            } catch {
                logger.warning(
                    "Could not append to the controller trace", metadata: ["path": "\(path)", "error": "\(error)"])
                return
            }
            if case .milestone = record {
                writeOut(&state)
            } else if state.buffer.count >= Self.flushThreshold {
                writeOut(&state)
            }
        }
    }

    /// Writes the buffered lines to the file with one `write(2)` (more only if the kernel takes part of it).
    public func flush() {
        state.withLock { writeOut(&$0) }
    }

    /// Writes what is buffered and closes the file; later records are dropped. Idempotent.
    public func close() {
        state.withLock { state in
            guard state.descriptor >= 0 else { return }
            writeOut(&state)
            closeDescriptor(state.descriptor)
            state.descriptor = -1
        }
    }

    /// Empties the buffer into the file. A write error is logged and the buffered lines are dropped: the trace
    /// never stops the controller, nor grows without bound.
    private func writeOut(_ state: inout State) {
        guard state.descriptor >= 0, !state.buffer.isEmpty else { return }
        let descriptor = state.descriptor
        let failure: Int32? = state.buffer.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failure {
            logger.warning(
                "Could not append to the controller trace",
                metadata: [
                    "path": "\(path)", "error": "\(String(cString: strerror(failure)))",
                    "droppedBytes": "\(state.buffer.count)",
                ])
        }
        state.buffer.removeAll(keepingCapacity: true)
    }
}
