import NIOCore

/// Kafka's `TimeIndex`: sparse (timestamp → offset) entries for one segment, on disk as 12-byte
/// entries (8-byte timestamp, 4-byte offset relative to the segment's base offset, big-endian).
/// Timestamps only ever increase: an entry is added only when its timestamp exceeds the last one.
typealias TimeIndex = SegmentIndex<TimeIndexEntry>

struct TimeIndexEntry: SegmentIndexEntry {
    static let size = 12
    static let fileKind = PosixFile.SegmentFileKind.timeIndex

    var timestamp: Int64
    var relativeOffset: UInt32

    init(timestamp: Int64, relativeOffset: UInt32) {
        self.timestamp = timestamp
        self.relativeOffset = relativeOffset
    }

    var key: Int64 { timestamp }

    init(from bytes: ByteBuffer, at index: Int) {
        self.init(timestamp: bytes.getInteger(at: index)!, relativeOffset: bytes.getInteger(at: index + 8)!)
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(timestamp)
        buffer.writeInteger(relativeOffset)
    }

    /// Kafka's `TimeIndex.sanityCheck` plus monotonicity of both columns.
    func isValidSuccessor(of previous: TimeIndexEntry) -> Bool {
        timestamp > previous.timestamp && relativeOffset >= previous.relativeOffset
    }
}

extension SegmentIndex where Entry == TimeIndexEntry {
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
        try append(TimeIndexEntry(timestamp: timestamp, relativeOffset: UInt32(relative)))
    }

    /// `TimeIndex.lookup`: the entry with the largest timestamp ≤ `target`, else (-1, baseOffset).
    func lookup(_ target: Int64) -> (timestamp: Int64, offset: Int64) {
        guard let entry = largestEntry(atMost: target) else { return (-1, baseOffset) }
        return (entry.timestamp, baseOffset + Int64(entry.relativeOffset))
    }
}
