#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KafkaModel
import NIOCore

/// Kafka's `OffsetCheckpointFile` (`CheckpointFile` with `OffsetCheckpointFile.Formatter`): text, line 1
/// the version `0`, line 2 the entry count, then `topic partition offset` per line. Written atomically:
/// a `.tmp` file, fsync, rename over the target, fsync of the directory.
struct OffsetCheckpointFile: Sendable {
    static let currentVersion = 0
    let path: String

    func write(_ offsets: [TopicPartition: Int64]) throws(LogError) {
        var text = "\(Self.currentVersion)\n\(offsets.count)\n"
        for (tp, offset) in offsets.sorted(by: { $0.key < $1.key }) {
            text += "\(tp.topic) \(tp.partition) \(offset)\n"
        }
        let tmp = path + ".tmp"
        let file = try PosixFile.open(tmp, create: true)
        do {
            try file.truncate(to: 0)
            var buffer = ByteBufferAllocator().buffer(capacity: text.utf8.count)
            buffer.writeString(text)
            try file.write(buffer, at: 0)
            try file.sync()
        } catch {
            try? file.close()
            throw error
        }
        try file.close()
        try FileSystem.rename(tmp, path)
        if let slash = path.lastIndex(of: "/") {
            try FileSystem.syncDirectory(slash == path.startIndex ? "/" : String(path[..<slash]))
        }
    }

    /// The entries; an absent file is empty. A malformed file throws `corruptRecord` naming the path
    /// (Kafka's "Malformed line in checkpoint file").
    func read() throws(LogError) -> [TopicPartition: Int64] {
        guard FileSystem.exists(path) else { return [:] }
        let file = try PosixFile.open(path, create: false)
        defer { try? file.close() }
        let bytes = try file.read(count: try file.size(), at: 0)
        let text = bytes.getString(at: bytes.readerIndex, length: bytes.readableBytes) ?? ""
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingSuffix("\r") }
        func malformed(_ what: String) -> LogError { .corruptRecord("malformed checkpoint file \(path): \(what)") }
        guard lines.count >= 2, let version = Int(lines[0]) else { throw malformed("missing header") }
        guard version == Self.currentVersion else { throw malformed("unrecognized version \(version)") }
        guard let count = Int(lines[1]), count >= 0 else { throw malformed("bad entry count '\(lines[1])'") }
        var result: [TopicPartition: Int64] = [:]
        let entries = lines.dropFirst(2).filter { !$0.isEmpty }
        guard entries.count == count else { throw malformed("expected \(count) entries, found \(entries.count)") }
        for line in entries {
            let parts = line.split(separator: " ")
            guard parts.count == 3, let partition = Int32(parts[1]), let offset = Int64(parts[2]) else {
                throw malformed("line '\(line)'")
            }
            result[TopicPartition(topic: String(parts[0]), partition: partition)] = offset
        }
        return result
    }
}

extension Substring {
    fileprivate func trimmingSuffix(_ suffix: String) -> Substring {
        hasSuffix(suffix) ? dropLast(suffix.count) : self
    }
}
