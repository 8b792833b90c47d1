import NIOCore

/// Kafka's `LeaderEpochCheckpointFile`: `<partition dir>/leader-epoch-checkpoint`, text, line 1
/// the version `0`, line 2 the entry count, then one `epoch startOffset` line per entry. Written
/// atomically (`.tmp`, fsync, rename, directory fsync).
struct LeaderEpochCheckpointFile: Sendable {
    static let fileName = "leader-epoch-checkpoint"
    static let currentVersion = 0
    let path: String

    init(directory: String) { path = directory + "/" + Self.fileName }

    func write(_ entries: [EpochEntry]) throws(LogError) {
        var text = "\(Self.currentVersion)\n\(entries.count)\n"
        for entry in entries { text += "\(entry.epoch) \(entry.startOffset)\n" }
        var buffer = ByteBufferAllocator().buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        try CheckpointFileIO.writeAtomically(buffer, to: path)
    }

    /// The entries in file order; an absent file has none. A malformed file is an error naming it
    /// (Kafka's `CheckpointReadBuffer` throws "Malformed line in checkpoint file"), never an
    /// empty cache: that would silently turn epoch truncation into high-watermark truncation.
    func read() throws(LogError) -> [EpochEntry] {
        guard let lines = try CheckpointFileIO.readLines(path) else { return [] }
        func malformed(_ what: String) -> LogError { .corruptRecord("malformed checkpoint file \(path): \(what)") }
        guard lines.count >= 2, let version = Int(lines[0]) else { throw malformed("missing header") }
        guard version == Self.currentVersion else { throw malformed("unrecognized version \(version)") }
        guard let count = Int(lines[1]), count >= 0 else { throw malformed("bad entry count '\(lines[1])'") }
        let lineEntries = lines.dropFirst(2).filter { !$0.isEmpty }
        guard lineEntries.count == count else { throw malformed("expected \(count) entries, found \(lineEntries.count)") }
        var entries: [EpochEntry] = []
        for line in lineEntries {
            // Kafka splits on any run of whitespace.
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count == 2, let epoch = Int32(parts[0]), let offset = Int64(parts[1]) else {
                throw malformed("line '\(line)'")
            }
            entries.append(EpochEntry(epoch: epoch, startOffset: offset))
        }
        return entries
    }
}
