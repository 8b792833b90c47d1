import NIOCore

/// Kafka's `OffsetIndex`: a sparse map from offsets to file positions in one segment, on disk as
/// 8-byte entries (4-byte offset relative to the segment's base offset, 4-byte physical position,
/// big-endian).
typealias OffsetIndex = SegmentIndex<OffsetIndexEntry>

struct OffsetIndexEntry: SegmentIndexEntry {
    static let size = 8
    static let fileKind = PosixFile.SegmentFileKind.index

    var relativeOffset: UInt32
    var position: UInt32

    init(relativeOffset: UInt32, position: UInt32) {
        self.relativeOffset = relativeOffset
        self.position = position
    }

    var key: UInt32 { relativeOffset }

    init(from bytes: ByteBuffer, at index: Int) {
        self.init(relativeOffset: bytes.getInteger(at: index)!, position: bytes.getInteger(at: index + 4)!)
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(relativeOffset)
        buffer.writeInteger(position)
    }

    /// Kafka's `OffsetIndex.sanityCheck`, plus strictly increasing offsets and positions.
    func isValidSuccessor(of previous: OffsetIndexEntry) -> Bool {
        relativeOffset > previous.relativeOffset && position > previous.position
    }
}

extension SegmentIndex where Entry == OffsetIndexEntry {
    /// Entries in order and inside the segment's `logSize` bytes: else corrupt.
    func isSane(fileSize: Int, logSize: Int) -> Bool {
        isSane(fileSize: fileSize) && entries.allSatisfy { Int($0.position) < logSize }
    }

    var lastOffset: Int64 { entries.last.map { baseOffset + Int64($0.relativeOffset) } ?? baseOffset }

    /// Appends an entry if `offset` is beyond the last one (Kafka refuses non-increasing offsets).
    func append(offset: Int64, position: Int) throws(LogError) {
        let relative = offset - baseOffset
        guard relative >= 0, relative <= Int64(UInt32.max), !isFull else { return }
        if let last = entries.last, UInt32(relative) <= last.relativeOffset { return }
        try append(OffsetIndexEntry(relativeOffset: UInt32(relative), position: UInt32(position)))
    }

    /// `OffsetIndex.lookup`: the entry with the largest offset ≤ `target`, or (baseOffset, 0).
    func lookup(_ target: Int64) -> (offset: Int64, position: Int) {
        let relative = target - baseOffset
        guard relative >= 0,
            let entry = largestEntry(atMost: UInt32(clamping: relative))
        else { return (baseOffset, 0) }
        return (baseOffset + Int64(entry.relativeOffset), Int(entry.position))
    }
}
