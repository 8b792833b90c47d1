import NIOCore

/// The file handling Kafka's `CheckpointFile` shares between its formats (offset checkpoints,
/// `leader-epoch-checkpoint`): atomic replacement and reading lines.
enum CheckpointFileIO {
    /// Writes `<path>.tmp`, fsyncs it, renames it over `path`, then fsyncs the directory
    /// (Kafka's `CheckpointFile.write` + `Utils.atomicMoveWithFallback`).
    static func writeAtomically(_ buffer: ByteBuffer, to path: String) throws(LogError) {
        let tmp = path + ".tmp"
        let file = try PosixFile.open(tmp, create: true)
        do {
            try file.truncate(to: 0)
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

    /// The file's lines (a trailing `\r` dropped), or nil when it does not exist. A file that
    /// exists but cannot be read is a `storage` error naming it.
    static func readLines(_ path: String) throws(LogError) -> [Substring]? {
        guard FileSystem.exists(path) else { return nil }
        let file = try PosixFile.open(path, create: false)
        defer { try? file.close() }
        let bytes = try file.read(count: try file.size(), at: 0)
        let text = bytes.getString(at: bytes.readerIndex, length: bytes.readableBytes) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
    }
}
