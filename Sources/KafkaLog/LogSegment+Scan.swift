import NIOCore

/// How a scan over a segment's batches ended.
enum SegmentScanEnd: Equatable {
    /// Reached the end position; the associated value is where the scan stopped.
    case finished(Int)
    /// The body asked to stop at the batch at this position.
    case stopped(Int)
    /// A partial or implausible batch starts at this position.
    case invalid(Int, String)
}

extension LogSegment {
    /// Walks the batch headers from `start` to `end` reading the file in chunks of `chunkSize` bytes
    /// (Kafka's `FileRecords.batchesFrom`). With `withBytes`, the body also gets each whole batch.
    func forEachBatch(
        from start: Int, to end: Int, chunkSize: Int, withBytes: Bool,
        _ body: (BatchInfo, ByteBuffer?) throws(LogError) -> Bool
    ) throws(LogError) -> SegmentScanEnd {
        var position = start
        var chunk = ByteBuffer()
        var chunkStart = start
        while position < end {
            var index = position - chunkStart
            if index < 0 || index + 61 > chunk.writerIndex {
                chunk = try log.read(count: min(max(chunkSize, 61), end - position), at: position)
                chunkStart = position
                index = 0
            }
            guard let info = BatchInfo(buffer: chunk, at: index, position: position) else {
                return .invalid(position, "partial batch header")
            }
            guard info.isPlausible else { return .invalid(position, "implausible batch header") }
            guard position + info.size <= end else { return .invalid(position, "partial batch") }
            var bytes: ByteBuffer?
            if withBytes {
                if index + info.size > chunk.writerIndex {
                    chunk = try log.read(count: min(max(chunkSize, info.size), end - position), at: position)
                    chunkStart = position
                    index = 0
                }
                guard chunk.writerIndex >= index + info.size else { return .invalid(position, "partial batch") }
                bytes = chunk.getSlice(at: index, length: info.size)
            }
            if try !body(info, bytes) { return .stopped(position) }
            position += info.size
        }
        return .finished(position)
    }
}
