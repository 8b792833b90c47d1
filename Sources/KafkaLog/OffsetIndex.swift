import NIOCore

/// Kafka's `OffsetIndex`: a sparse map from offsets to file positions in one segment, on disk as
/// 8-byte entries (4-byte offset relative to the segment's base offset, 4-byte physical position,
/// big-endian). Kafka memory-maps a preallocated file; here the entries are kept in memory and each
/// new entry is one 8-byte `pwrite`, so the file is always exactly `entries × 8` bytes.
final class OffsetIndex: @unchecked Sendable {
    static let entrySize = 8

    struct Entry: Hashable {
        var relativeOffset: UInt32
        var position: UInt32
    }

    let baseOffset: Int64
    let file: PosixFile
    private(set) var entries: [Entry] = []
    var maxEntries: Int

    /// Opens (or creates) the index; `loaded` is false when the file's contents fail the sanity check
    /// (Kafka's `OffsetIndex.sanityCheck`) and the caller must rebuild it.
    init(directory: String, baseOffset: Int64, maxIndexSize: Int) throws(LogError) {
        self.baseOffset = baseOffset
        self.maxEntries = max(1, maxIndexSize / Self.entrySize)
        file = try PosixFile.openSegmentFile(directory: directory, baseOffset: baseOffset, kind: .index, create: true)
        let size = try file.size()
        guard size > 0, size % Self.entrySize == 0 else { return }
        let bytes = try file.read(count: size, at: 0)
        var loaded: [Entry] = []
        loaded.reserveCapacity(size / Self.entrySize)
        var i = bytes.readerIndex
        while i + Self.entrySize <= bytes.writerIndex {
            loaded.append(Entry(relativeOffset: bytes.getInteger(at: i)!, position: bytes.getInteger(at: i + 4)!))
            i += Self.entrySize
        }
        entries = loaded
    }

    /// Entries strictly increasing in offset and position and inside the segment: else corrupt.
    func isSane(fileSize: Int, logSize: Int) -> Bool {
        guard fileSize % Self.entrySize == 0, fileSize == entries.count * Self.entrySize else { return false }
        var previous: Entry?
        for entry in entries {
            if Int(entry.position) >= logSize { return false }
            if let p = previous, entry.relativeOffset <= p.relativeOffset || entry.position <= p.position { return false }
            previous = entry
        }
        return true
    }

    var isFull: Bool { entries.count >= maxEntries }

    var lastOffset: Int64 { entries.last.map { baseOffset + Int64($0.relativeOffset) } ?? baseOffset }

    /// Appends an entry if `offset` is beyond the last one (Kafka refuses non-increasing offsets).
    func append(offset: Int64, position: Int) throws(LogError) {
        let relative = offset - baseOffset
        guard relative >= 0, relative <= Int64(UInt32.max), !isFull else { return }
        if let last = entries.last, UInt32(relative) <= last.relativeOffset { return }
        var buffer = ByteBufferAllocator().buffer(capacity: Self.entrySize)
        buffer.writeInteger(UInt32(relative))
        buffer.writeInteger(UInt32(position))
        try file.write(buffer, at: entries.count * Self.entrySize)
        entries.append(Entry(relativeOffset: UInt32(relative), position: UInt32(position)))
    }

    /// `OffsetIndex.lookup`: the entry with the largest offset ≤ `target`, or (baseOffset, 0).
    func lookup(_ target: Int64) -> (offset: Int64, position: Int) {
        let relative = target - baseOffset
        guard relative >= 0, let first = entries.first, Int64(first.relativeOffset) <= relative else {
            return (baseOffset, 0)
        }
        var low = 0
        var high = entries.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if Int64(entries[mid].relativeOffset) <= relative { low = mid } else { high = mid - 1 }
        }
        return (baseOffset + Int64(entries[low].relativeOffset), Int(entries[low].position))
    }

    /// `OffsetIndex.truncateTo`: removes every entry whose offset is ≥ `offset`.
    func truncate(toOffset offset: Int64) throws(LogError) {
        let relative = offset - baseOffset
        var keep = entries.count
        while keep > 0 && Int64(entries[keep - 1].relativeOffset) >= relative { keep -= 1 }
        try truncate(toEntries: keep)
    }

    func truncate(toEntries count: Int) throws(LogError) {
        try file.truncate(to: count * Self.entrySize)
        entries.removeSubrange(count...)
    }

    func reset() throws(LogError) { try truncate(toEntries: 0) }

    func flush() throws(LogError) { try file.sync() }

    /// Kafka trims the preallocated file to its used size on close; here the file never grows past it.
    func close() throws(LogError) {
        try file.truncate(to: entries.count * Self.entrySize)
        try file.close()
    }
}
