import KafkaProtocol
import NIOCore

extension LogState {
    /// Kafka's `Log.append(assignOffsets = true)`: offsets from the log end offset and the leader epoch
    /// are patched into the header fields outside the CRC; the bytes are otherwise stored unchanged.
    /// The CRC is not checked again: leader appends come from Produce requests the broker validated
    /// (CRC, magic, codec) with `ProduceRecordsValidator`, as Kafka's `LogValidator` runs once.
    /// Returns the append info and whether `flushIntervalMessages` is reached.
    mutating func appendAsLeader(
        _ batches: [RecordBatchView], leaderEpoch: Int32, nowMs: Int64
    ) throws(LogError) -> (LogAppendInfo, Bool) {
        try ensureOpen()
        let total = batches.reduce(0) { $0 + $1.bytes.readableBytes }
        guard !batches.isEmpty else {
            return (LogAppendInfo(firstOffset: logEndOffset, lastOffset: logEndOffset - 1, maxTimestamp: -1,
                                  recordCount: 0, validBytes: 0), false)
        }
        var out = ByteBufferAllocator().buffer(capacity: total)
        var infos: [BatchInfo] = []
        infos.reserveCapacity(batches.count)
        var next = logEndOffset
        for view in batches {
            let start = out.writerIndex
            out.writeImmutableBuffer(view.bytes)
            out.setInteger(next, at: start)
            out.setInteger(leaderEpoch, at: start + 12)
            guard let info = BatchInfo(buffer: out, at: start, position: start), info.isPlausible,
                info.size == view.bytes.readableBytes
            else { throw .corruptRecord("malformed batch header (last offset delta \(view.header.lastOffsetDelta))") }
            infos.append(info)
            next = info.nextOffset
        }
        return try appendValidated(out, infos: infos, nowMs: nowMs)
    }

    /// Kafka's `Log.appendAsFollower`: offsets are the leader's. Batches entirely below the log end
    /// offset are skipped; the kept batches must start at or after it, in increasing order. A gap is
    /// allowed (Kafka checks only that offsets do not go backwards): a compacted leader's log lacks the
    /// batches the cleaner emptied.
    mutating func appendAsFollower(_ records: ByteBuffer, nowMs: Int64) throws(LogError) -> (LogAppendInfo?, Bool) {
        try ensureOpen()
        let views: [RecordBatchView]
        do { views = try RecordBatchView.batches(in: records) } catch { throw .corruptRecord("\(error)") }
        var out = ByteBufferAllocator().buffer(capacity: records.readableBytes)
        var infos: [BatchInfo] = []
        var expected = logEndOffset
        for view in views {
            do { try view.validate() } catch { throw .corruptRecord("\(error)") }
            let header = view.header
            guard header.lastOffsetDelta >= 0 else {
                throw .corruptRecord("negative last offset delta \(header.lastOffsetDelta)")
            }
            if header.lastOffset < expected { continue }
            guard header.baseOffset >= expected else {
                throw .invalidOffset(
                    "batch [\(header.baseOffset), \(header.lastOffset)] does not start at the expected offset \(expected)")
            }
            let start = out.writerIndex
            out.writeImmutableBuffer(view.bytes)
            guard let info = BatchInfo(buffer: out, at: start, position: start), info.isPlausible else {
                throw .corruptRecord("malformed batch header at offset \(header.baseOffset)")
            }
            infos.append(info)
            expected = info.nextOffset
        }
        guard !infos.isEmpty else { return (nil, false) }
        let (info, flush) = try appendValidated(out, infos: infos, nowMs: nowMs)
        return (info, flush)
    }

    /// Rolls if due, writes the batches to the active segment in one write and moves the log end offset.
    private mutating func appendValidated(
        _ out: ByteBuffer, infos: [BatchInfo], nowMs: Int64
    ) throws(LogError) -> (LogAppendInfo, Bool) {
        clockMs = max(clockMs, nowMs)
        let size = out.readableBytes
        guard size <= config.segmentBytes else { throw .recordBatchTooLarge(size: size, max: config.segmentBytes) }
        var maxTimestamp: Int64 = -1
        var records = 0
        for info in infos {
            maxTimestamp = max(maxTimestamp, info.maxTimestamp)
            records += Int(info.recordCount)
        }
        let lastOffset = infos[infos.count - 1].lastOffset
        if try shouldRoll(messagesSize: size, maxTimestamp: maxTimestamp, maxOffset: lastOffset, nowMs: nowMs) {
            try roll(nowMs: nowMs)
        }
        try activeSegment.append(out, batches: infos, nowMs: nowMs)
        logEndOffset = lastOffset + 1
        // Kafka's append: "update the epoch cache with the epoch stamped onto the message by the leader".
        try updateEpochCache { cache in
            var changed = false
            for info in infos where cache.assign(epoch: info.partitionLeaderEpoch, startOffset: info.baseOffset) { changed = true }
            return changed
        }
        let info = LogAppendInfo(
            firstOffset: infos[0].baseOffset, lastOffset: lastOffset, maxTimestamp: maxTimestamp,
            recordCount: records, validBytes: size)
        let unflushed = logEndOffset - recoveryPoint
        return (info, unflushed >= config.flushIntervalMessages)
    }
}
