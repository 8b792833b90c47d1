import NIOCore

extension LogState {
    /// Kafka's `Log.read`: whole batches from the one containing `startOffset`, within one segment.
    func read(startOffset: Int64, maxBytes: Int, upperBound: Int64, minOneMessage: Bool) throws(LogError) -> LogReadInfo {
        try ensureOpen()
        guard startOffset >= logStartOffset, startOffset <= logEndOffset else {
            throw .offsetOutOfRange(requested: startOffset, logStartOffset: logStartOffset, logEndOffset: logEndOffset)
        }
        let empty = LogReadInfo(records: ByteBuffer(), firstBatchOffset: nil)
        guard startOffset < logEndOffset, startOffset < upperBound else { return empty }
        var i = floorSegmentIndex(startOffset) ?? 0
        while i < segments.count {
            let segment = segments[i]
            if let first = try segment.translateOffset(startOffset) {
                let bytes = try segment.read(
                    from: first, maxBytes: maxBytes, upperBound: upperBound, minOneMessage: minOneMessage)
                return LogReadInfo(records: bytes, firstBatchOffset: bytes.readableBytes > 0 ? first.baseOffset : nil)
            }
            i += 1
        }
        return empty
    }

    /// Kafka's `Log.fetchOffsetByTimestamp` (without 3.0's max-timestamp lookup).
    func offset(forTimestamp timestamp: Int64) throws(LogError) -> (offset: Int64, timestamp: Int64)? {
        try ensureOpen()
        if timestamp == -2 { return (logStartOffset, -1) }  // ListOffsetsRequest.EARLIEST_TIMESTAMP
        if timestamp == -1 { return (logEndOffset, -1) }  // ListOffsetsRequest.LATEST_TIMESTAMP
        for segment in segments where segment.largestTimestamp >= timestamp {
            if let found = try segment.findOffsetByTimestamp(timestamp, startingOffset: logStartOffset),
                found.offset < logEndOffset
            {
                return found
            }
        }
        return nil
    }
}
