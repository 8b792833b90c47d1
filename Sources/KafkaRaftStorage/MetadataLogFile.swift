#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KafkaRaft
import KafkaRaftProtocol

/// The `__cluster_metadata-0` log on disk: one segment file `<baseOffset 20 digits>.log` of magic-2
/// record batches (`RaftRecordBatchCodec`). Appends reach the page cache; `flush()` fsyncs them.
/// Loading stops at the first torn or corrupt batch and truncates it away (crash recovery).
/// Deleting a prefix rewrites the remaining records into a new segment named after the new log
/// start, atomically, then removes the old one (Kafka deletes whole segments instead).
public final class MetadataLogFile {
    public let directory: String
    public private(set) var startOffset: Int64 = 0
    /// File position of each record from `startOffset`, plus the end of the file.
    private var positions: [Int] = [0]
    private var descriptor: Int32 = -1

    public var endOffset: Int64 { startOffset + Int64(positions.count - 1) }
    private var segmentPath: String { Self.segmentPath(directory, startOffset) }

    static func segmentPath(_ directory: String, _ baseOffset: Int64) -> String {
        directory + "/" + RaftSnapshot.zeroPadded(baseOffset, width: 20) + ".log"
    }

    /// Opens (creating if needed) the log in `directory`, recovering a torn tail.
    public init(directory: String) throws(RaftStorageError) {
        self.directory = directory
        try DurableFile.makeDirectory(directory)
        let segments = try DurableFile.list(directory).filter { $0.hasSuffix(".log") }.compactMap {
            Int64($0.dropLast(4))
        }.sorted()
        startOffset = segments.last ?? 0
        for stale in segments.dropLast() { try DurableFile.remove(Self.segmentPath(directory, stale)) }
        descriptor = try DurableFile.openForAppend(segmentPath)
        // Positions must reflect the file before anything is appended (and a torn tail is cut now).
        _ = try load()
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Reads every intact record; a torn tail is cut off.
    public func load() throws(RaftStorageError) -> [RaftRecord] {
        let bytes = try DurableFile.readAll(segmentPath) ?? []
        var records: [RaftRecord] = []
        positions = [0]
        var position = 0
        while position < bytes.count,
            let (offset, record, size) = RaftRecordBatchCodec.decode(bytes[position...]),
            offset == startOffset + Int64(records.count)
        {
            records.append(record)
            position += size
            positions.append(position)
        }
        if position < bytes.count { try DurableFile.truncate(descriptor, to: position, path: segmentPath) }
        return records
    }

    public func append(baseOffset: Int64, records: [RaftRecord]) throws(RaftStorageError) {
        precondition(baseOffset == endOffset, "append at \(baseOffset) to a log ending at \(endOffset)")
        let fileEnd = positions.last!
        var bytes: [UInt8] = []
        for (index, record) in records.enumerated() {
            bytes += RaftRecordBatchCodec.encode(record, offset: baseOffset + Int64(index))
            positions.append(fileEnd + bytes.count)
        }
        try DurableFile.write(descriptor, bytes, at: fileEnd, path: segmentPath)
    }

    public func flush() throws(RaftStorageError) {
        try DurableFile.sync(descriptor, path: segmentPath)
    }

    /// A deferred fsync of everything written so far, runnable on another thread (see `PendingLogFlush`).
    func pendingFlush(id: UInt64) throws(RaftStorageError) -> PendingLogFlush {
        let duplicate = dup(descriptor)
        if duplicate < 0 { throw RaftStorageError(operation: "dup", path: segmentPath, errno: errno) }
        return PendingLogFlush(id: id, endOffset: endOffset, descriptor: duplicate, path: segmentPath)
    }

    /// Removes the records at and above `offset`, durably.
    public func truncate(toEndOffset offset: Int64) throws(RaftStorageError) {
        guard offset < endOffset else { return }
        let keep = Int(offset - startOffset)
        positions.removeLast(positions.count - keep - 1)
        try DurableFile.truncate(descriptor, to: positions.last!, path: segmentPath)
        try DurableFile.sync(descriptor, path: segmentPath)
    }

    /// Starts the log at `newStartOffset` (covered by a snapshot), keeping the records above it.
    public func deletePrefix(newStartOffset: Int64) throws(RaftStorageError) {
        guard newStartOffset > startOffset else { return }
        let kept = try load().dropFirst(Int(min(newStartOffset, endOffset) - startOffset))
        try rewrite(startOffset: newStartOffset, records: Array(kept))
    }

    /// A follower installed a snapshot: the log restarts empty at its end offset.
    public func reset(startOffset newStartOffset: Int64) throws(RaftStorageError) {
        try rewrite(startOffset: newStartOffset, records: [])
    }

    private func rewrite(startOffset newStartOffset: Int64, records: [RaftRecord]) throws(RaftStorageError) {
        var bytes: [UInt8] = []
        var newPositions = [0]
        for (index, record) in records.enumerated() {
            bytes += RaftRecordBatchCodec.encode(record, offset: newStartOffset + Int64(index))
            newPositions.append(bytes.count)
        }
        let oldPath = segmentPath
        let newPath = Self.segmentPath(directory, newStartOffset)
        try DurableFile.replace(newPath, with: bytes)
        close(descriptor)
        descriptor = -1
        if oldPath != newPath { try DurableFile.remove(oldPath) }
        startOffset = newStartOffset
        positions = newPositions
        descriptor = try DurableFile.openForAppend(newPath)
    }
}
