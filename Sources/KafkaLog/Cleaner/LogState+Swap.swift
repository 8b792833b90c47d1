extension LogState {
    /// Kafka's swap handling in `Log.loadSegments` (2.8): a `<base>.log.swap` left by a crash after the
    /// cleaner's commit point replaces every segment whose base offset lies in [base, the swap's next
    /// offset) — and always the one at `base` — and is renamed to `<base>.log`; its indexes are
    /// rebuilt on load. `.cleaned` files (before the commit point) are removed by the caller.
    static func completeSwaps(directory: String) throws(LogError) {
        let names = try FileSystem.list(directory)
        let swapSuffix = LogFileNames.logSuffix + LogFileNames.swapSuffix
        var completed = false
        for name in names.sorted() where name.hasSuffix(swapSuffix) {
            let stem = String(name.dropLast(LogFileNames.swapSuffix.count))
            guard let base = LogFileNames.baseOffset(of: stem, suffix: LogFileNames.logSuffix) else { continue }
            let swapPath = directory + "/" + name
            let end = max(try nextOffset(ofSegmentFile: swapPath, baseOffset: base), base + 1)
            for other in names {
                guard let otherBase = LogFileNames.baseOffset(of: other, suffix: LogFileNames.logSuffix),
                    otherBase >= base, otherBase < end
                else { continue }
                try FileSystem.remove(LogFileNames.logFile(directory, otherBase))
                try FileSystem.remove(LogFileNames.indexFile(directory, otherBase))
                try FileSystem.remove(LogFileNames.timeIndexFile(directory, otherBase))
            }
            try FileSystem.remove(LogFileNames.indexFile(directory, base))
            try FileSystem.remove(LogFileNames.timeIndexFile(directory, base))
            try FileSystem.rename(swapPath, LogFileNames.logFile(directory, base))
            completed = true
        }
        if completed { try FileSystem.syncDirectory(directory) }
    }

    /// The offset after the last whole batch of a segment file (Kafka's `readNextOffset` on a swap).
    private static func nextOffset(ofSegmentFile path: String, baseOffset: Int64) throws(LogError) -> Int64 {
        let file = try PosixFile.open(path, create: false)
        defer { try? file.close() }
        let size = try file.size()
        var position = 0
        var next = baseOffset
        while position + 61 <= size {
            let header = try file.read(count: 61, at: position)
            guard let info = BatchInfo(buffer: header, at: header.readerIndex, position: position), info.isPlausible,
                position + info.size <= size
            else { break }
            next = max(next, info.nextOffset)
            position += info.size
        }
        return next
    }
}
