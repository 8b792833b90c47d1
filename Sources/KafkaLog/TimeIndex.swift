import NIOCore

/// Kafka's `TimeIndex`: sparse (timestamp → offset) entries for one segment, on disk as 12-byte
/// entries (8-byte timestamp, 4-byte offset relative to the segment's base offset, big-endian).
/// Timestamps only ever increase: an entry is added only when its timestamp exceeds the last one.
final class TimeIndex: @unchecked Sendable {
    static let entrySize = 12

    struct Entry: Hashable {
        var timestamp: Int64
        var relativeOffset: UInt32
    }

    let baseOffset: Int64
    let file: PosixFile
    private(set) var entries: [Entry] = []
    var maxEntries: Int

    init(directory: String, baseOffset: Int64, maxIndexSize: Int) throws(LogError) {
        self.baseOffset = baseOffset
        self.maxEntries = max(1, maxIndexSize / Self.entrySize)
        file = try PosixFile.openSegmentFile(directory: directory, baseOffset: baseOffset, kind: .timeIndex, create: true)
        let size = try file.size()
        guard size > 0, size % Self.entrySize == 0 else { return }
        let bytes = try file.read(count: size, at: 0)
        var i = bytes.readerIndex
        while i + Self.entrySize <= bytes.writerIndex {
            entries.append(Entry(timestamp: bytes.getInteger(at: i)!, relativeOffset: bytes.getInteger(at: i + 8)!))
            i += Self.entrySize
        }
    }

    /// Kafka's `TimeIndex.sanityCheck` plus monotonicity of both columns.
    func isSane(fileSize: Int) -> Bool {
        guard fileSize % Self.entrySize == 0, fileSize == entries.count * Self.entrySize else { return false }
        var previous: Entry?
        for entry in entries {
            if let p = previous, entry.timestamp <= p.timestamp || entry.relativeOffset < p.relativeOffset { return false }
            previous = entry
        }
        return true
    }

    var isFull: Bool { entries.count >= maxEntries }

    var lastEntry: (timestamp: Int64, offset: Int64)? {
        entries.last.map { ($0.timestamp, baseOffset + Int64($0.relativeOffset)) }
    }

    /// `TimeIndex.maybeAppend`: appends only when `timestamp` is larger than the last entry's.
    func maybeAppend(timestamp: Int64, offset: Int64, skipFullCheck: Bool = false) throws(LogError) {
        let relative = offset - baseOffset
        guard relative >= 0, relative <= Int64(UInt32.max), skipFullCheck || !isFull else { return }
        if let last = entries.last {
            guard timestamp > last.timestamp, UInt32(relative) >= last.relativeOffset else { return }
        }
        var buffer = ByteBufferAllocator().buffer(capacity: Self.entrySize)
        buffer.writeInteger(timestamp)
        buffer.writeInteger(UInt32(relative))
        try file.write(buffer, at: entries.count * Self.entrySize)
        entries.append(Entry(timestamp: timestamp, relativeOffset: UInt32(relative)))
    }

    /// `TimeIndex.lookup`: the entry with the largest timestamp ≤ `target`, else (-1, baseOffset).
    func lookup(_ target: Int64) -> (timestamp: Int64, offset: Int64) {
        guard let first = entries.first, first.timestamp <= target else { return (-1, baseOffset) }
        var low = 0
        var high = entries.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if entries[mid].timestamp <= target { low = mid } else { high = mid - 1 }
        }
        return (entries[low].timestamp, baseOffset + Int64(entries[low].relativeOffset))
    }

    /// `TimeIndex.truncateTo`: removes every entry whose offset is ≥ `offset`.
    func truncate(toOffset offset: Int64) throws(LogError) {
        let relative = offset - baseOffset
        var keep = entries.count
        while keep > 0 && Int64(entries[keep - 1].relativeOffset) >= relative { keep -= 1 }
        try file.truncate(to: keep * Self.entrySize)
        entries.removeSubrange(keep...)
    }

    func reset() throws(LogError) { try truncate(toOffset: baseOffset) }

    func flush() throws(LogError) { try file.sync() }

    func close() throws(LogError) {
        try file.truncate(to: entries.count * Self.entrySize)
        try file.close()
    }
}
