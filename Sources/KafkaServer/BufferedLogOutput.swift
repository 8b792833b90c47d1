#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import Synchronization

/// The broker's log output: lines in swift-log's `StreamLogHandler` format, collected in one
/// buffer and written to a file descriptor (stdout: the local cluster sends it to `broker.log`)
/// every 100 ms, whenever 64 KiB are waiting, at once for warnings and errors, and on ``flush()``.
///
/// `StreamLogHandler` formats a timestamp with `strftime` and `fflush`es on every line; a
/// controller logging every state change of 100,000 partitions spent a sixth of its event thread
/// there. Kafka's log4j appenders buffer too; what a crash can lose is the last 100 ms of info lines.
public final class BufferedLogOutput: Sendable {
    public static let flushThreshold = 64 * 1024
    public static let flushIntervalMs = 100

    private struct State {
        var buffer: [UInt8] = []
        /// The formatted timestamp of `second` (local time, as `StreamLogHandler`).
        var second: Int = -1
        var stamp: [UInt8] = []
    }

    private let descriptor: Int32
    private let state = Mutex(State())
    /// Serialises writes to the descriptor, so flushes from several threads keep line order.
    private let writeLock = Mutex(())

    /// Writes to `descriptor` (not closed here); a background thread flushes every 100 ms.
    public init(descriptor: Int32 = 1, startFlusher: Bool = true) {
        self.descriptor = descriptor
        if startFlusher {
            let thread = Thread { [weak self] in
                while let output = self {
                    output.flush()
                    Thread.sleep(forTimeInterval: Double(Self.flushIntervalMs) / 1000)
                }
            }
            thread.name = "log-flusher"
            thread.start()
        }
    }

    /// Appends one formatted line; lines at `warning` and above are written at once.
    func append(level: Logger.Level, label: String, metadata: String?, source: String, message: String) {
        let needsFlush = state.withLock { state in
            Self.appendTimestamp(&state)
            state.buffer.append(contentsOf: state.stamp)
            state.buffer.append(UInt8(ascii: " "))
            state.buffer.append(contentsOf: level.rawValue.utf8)
            if !label.isEmpty {
                state.buffer.append(UInt8(ascii: " "))
                state.buffer.append(contentsOf: label.utf8)
            }
            state.buffer.append(UInt8(ascii: ":"))
            if let metadata {
                state.buffer.append(UInt8(ascii: " "))
                state.buffer.append(contentsOf: metadata.utf8)
            }
            state.buffer.append(contentsOf: " [".utf8)
            state.buffer.append(contentsOf: source.utf8)
            state.buffer.append(contentsOf: "] ".utf8)
            state.buffer.append(contentsOf: message.utf8)
            state.buffer.append(UInt8(ascii: "\n"))
            return level >= .warning || state.buffer.count >= Self.flushThreshold
        }
        if needsFlush { flush() }
    }

    /// Writes everything buffered.
    public func flush() {
        writeLock.withLock { _ in
            var pending: [UInt8] = []
            state.withLock { swap(&pending, &$0.buffer) }
            guard !pending.isEmpty else { return }
            pending.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return  // nowhere left to report it: the log itself is what failed
                    }
                    offset += written
                }
            }
        }
    }

    /// The buffered bytes, for tests.
    var buffered: [UInt8] { state.withLock { $0.buffer } }

    /// `%Y-%m-%dT%H:%M:%S%z` in local time, formatted once per second.
    private static func appendTimestamp(_ state: inout State) {
        var now = time(nil)
        guard Int(now) != state.second else { return }
        var local = tm()
        var text = [Int8](repeating: 0, count: 64)
        if localtime_r(&now, &local) != nil, strftime(&text, text.count, "%Y-%m-%dT%H:%M:%S%z", &local) > 0 {
            state.stamp = text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        } else {
            state.stamp = Array("<unknown>".utf8)
        }
        state.second = Int(now)
    }
}

/// A `LogHandler` writing through a ``BufferedLogOutput``, formatting as `StreamLogHandler` does:
/// `<timestamp> <level> <label>: <key=value ...> [<source>] <message>`.
public struct BufferedLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    public var metadata = Logger.Metadata() {
        didSet { prettyMetadata = Self.prettify(metadata) }
    }
    private var prettyMetadata: String?
    private let label: String
    private let output: BufferedLogOutput

    public init(label: String, output: BufferedLogOutput, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.output = output
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var pretty = prettyMetadata
        let provided = metadataProvider?.get() ?? [:]
        if !provided.isEmpty || !(event.metadata ?? [:]).isEmpty || event.error != nil {
            var merged = metadata
            merged.merge(provided, uniquingKeysWith: { _, new in new })
            if let explicit = event.metadata { merged.merge(explicit, uniquingKeysWith: { _, new in new }) }
            if let error = event.error {
                merged["error.message"] = "\(error)"
                merged["error.type"] = "\(String(reflecting: type(of: error)))"
            }
            pretty = Self.prettify(merged)
        }
        output.append(level: event.level, label: label, metadata: pretty, source: event.source, message: "\(event.message)")
    }

    static func prettify(_ metadata: Logger.Metadata) -> String? {
        metadata.isEmpty ? nil : metadata.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " ")
    }
}
