import NIOCore

/// One fixed-size entry of a segment index file: what ``SegmentIndex`` needs to load, store, order and
/// truncate it. Kafka's `AbstractIndex` subclasses (`OffsetIndex`, `TimeIndex`) differ only in this.
protocol SegmentIndexEntry: Hashable, Sendable {
    /// What lookups search by (an offset for the offset index, a timestamp for the time index).
    associatedtype Key: Comparable

    /// Bytes per entry on disk.
    static var size: Int { get }
    /// Which file of the segment holds the index.
    static var fileKind: PosixFile.SegmentFileKind { get }

    /// The entry's offset relative to the segment's base offset (both indexes truncate by it).
    var relativeOffset: UInt32 { get }
    var key: Key { get }

    /// Reads an entry at `index` (big-endian, `size` bytes).
    init(from bytes: ByteBuffer, at index: Int)
    /// Writes the entry (big-endian, `size` bytes).
    func write(to buffer: inout ByteBuffer)
    /// Whether `self` may follow `previous` in a sane index (the columns' monotonicity).
    func isValidSuccessor(of previous: Self) -> Bool
}

/// Kafka's `AbstractIndex` over one segment: sparse fixed-size entries, kept in memory and mirrored in the
/// index file one `pwrite` per entry (Kafka memory-maps a preallocated file; here the file is always exactly
/// `entries × size` bytes). ``OffsetIndex`` and ``TimeIndex`` are this with their entry types.
final class SegmentIndex<Entry: SegmentIndexEntry>: @unchecked Sendable {
    static var entrySize: Int { Entry.size }

    let baseOffset: Int64
    let file: PosixFile
    private(set) var entries: [Entry] = []
    var maxEntries: Int

    /// Opens (or creates) the index. A file whose size is not a whole number of entries loads empty;
    /// the segment's sanity check then finds it corrupt and rebuilds it (Kafka's `sanityCheck`).
    /// `createNow: false`: the file is created by the first entry or by `LogSegment.append` (a new segment).
    init(directory: String, baseOffset: Int64, maxIndexSize: Int, createNow: Bool = true) throws(LogError) {
        self.baseOffset = baseOffset
        self.maxEntries = max(1, maxIndexSize / Entry.size)
        file = try PosixFile.segmentFile(directory: directory, baseOffset: baseOffset, kind: Entry.fileKind, createNow: createNow)
        let size = try file.size()
        guard size > 0, size % Entry.size == 0 else { return }
        let bytes = try file.read(count: size, at: 0)
        var loaded: [Entry] = []
        loaded.reserveCapacity(size / Entry.size)
        var i = bytes.readerIndex
        while i + Entry.size <= bytes.writerIndex {
            loaded.append(Entry(from: bytes, at: i))
            i += Entry.size
        }
        entries = loaded
    }

    var isFull: Bool { entries.count >= maxEntries }

    /// The file holds exactly the entries, and each entry may follow the one before it.
    func isSane(fileSize: Int) -> Bool {
        guard fileSize % Entry.size == 0, fileSize == entries.count * Entry.size else { return false }
        return zip(entries, entries.dropFirst()).allSatisfy { $1.isValidSuccessor(of: $0) }
    }

    /// Appends `entry` to the file and the entries. Callers check ordering and fullness first.
    func append(_ entry: Entry) throws(LogError) {
        var buffer = ByteBufferAllocator().buffer(capacity: Entry.size)
        entry.write(to: &buffer)
        try file.write(buffer, at: entries.count * Entry.size)
        entries.append(entry)
    }

    /// The entry with the largest key ≤ `target` (Kafka's `largestLowerBoundSlotFor`), if any.
    func largestEntry(atMost target: Entry.Key) -> Entry? {
        guard let first = entries.first, first.key <= target else { return nil }
        var low = 0
        var high = entries.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if entries[mid].key <= target { low = mid } else { high = mid - 1 }
        }
        return entries[low]
    }

    /// Kafka's `truncateTo`: removes every entry whose offset is ≥ `offset`.
    func truncate(toOffset offset: Int64) throws(LogError) {
        let relative = offset - baseOffset
        var keep = entries.count
        while keep > 0 && Int64(entries[keep - 1].relativeOffset) >= relative { keep -= 1 }
        try truncate(toEntries: keep)
    }

    func truncate(toEntries count: Int) throws(LogError) {
        try file.truncate(to: count * Entry.size)
        entries.removeSubrange(count...)
    }

    func reset() throws(LogError) { try truncate(toEntries: 0) }

    func flush() throws(LogError) { try file.sync() }

    /// Kafka trims the preallocated file to its used size on close; here the file never grows past it.
    func close() throws(LogError) {
        try file.truncate(to: entries.count * Entry.size)
        try file.close()
    }
}
