import KafkaProtocol
import KafkaRaft
import NIOCore

/// Fetch (v12, 2.8.2 types) and FetchSnapshot (v0, 3.3.2 types). Records travel as record batches
/// (`RaftRecordBatchCodec`); "absent" tagged structs use Kafka's -1 sentinels.
extension RaftWireCodec {
    static func makeFetchRequest(_ m: RaftMessage.FetchRequest, clusterId: String?) -> FetchRequest {
        FetchRequest(
            clusterId: clusterId, replicaId: m.replicaId, maxWaitMs: Int32(clamping: m.maxWaitMs), minBytes: 0,
            maxBytes: 8 * 1024 * 1024, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
            topics: [.init(topic: topicName, partitions: [.init(
                partition: partition, currentLeaderEpoch: m.currentLeaderEpoch, fetchOffset: m.fetchOffset,
                lastFetchedEpoch: m.lastFetchedEpoch, logStartOffset: -1, partitionMaxBytes: 8 * 1024 * 1024)])],
            forgottenTopicsData: [], rackId: "")
    }

    static func core(_ w: FetchRequest) throws(KafkaProtocolError) -> RaftMessage.FetchRequest {
        guard let p = w.topics.first?.partitions.first else { throw missingPartition("FetchRequest") }
        return .init(
            replicaId: w.replicaId, currentLeaderEpoch: p.currentLeaderEpoch, fetchOffset: p.fetchOffset,
            lastFetchedEpoch: p.lastFetchedEpoch, maxWaitMs: Int64(w.maxWaitMs))
    }

    static func makeFetchResponse(_ m: RaftMessage.FetchResponse) -> FetchResponse {
        var records = ByteBuffer()
        for (index, record) in m.records.enumerated() {
            records.writeBytes(RaftRecordBatchCodec.encode(record, offset: m.recordsBaseOffset + Int64(index)))
        }
        let partitionResponse = FetchResponse.FetchablePartitionResponse(
            partition: partition, errorCode: m.errorCode.rawValue, highWatermark: m.highWatermark,
            lastStableOffset: m.highWatermark, logStartOffset: m.logStartOffset,
            divergingEpoch: .init(epoch: m.divergingEpoch?.epoch ?? -1, endOffset: m.divergingEpoch?.offset ?? -1),
            currentLeader: .init(leaderId: m.leaderId ?? -1, leaderEpoch: m.leaderEpoch),
            snapshotId: .init(endOffset: m.snapshotId?.offset ?? -1, epoch: m.snapshotId?.epoch ?? -1),
            abortedTransactions: nil, preferredReadReplica: -1, recordSet: records)
        return FetchResponse(throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [.init(
            topic: topicName, partitionResponses: [partitionResponse])])
    }

    static func core(_ w: FetchResponse) throws(KafkaProtocolError) -> RaftMessage.FetchResponse {
        guard let p = w.responses.first?.partitionResponses.first else { throw missingPartition("FetchResponse") }
        var records: [RaftRecord] = []
        var baseOffset: Int64 = -1
        if let recordSet = p.recordSet {
            let bytes = Array(recordSet.readableBytesView)
            var position = 0
            while position < bytes.count {
                guard let (offset, record, size) = RaftRecordBatchCodec.decode(bytes[position...]) else {
                    throw KafkaProtocolError(.invalidValue("undecodable record batch at \(position)"), field: "FetchResponse.records")
                }
                if records.isEmpty { baseOffset = offset }
                records.append(record)
                position += size
            }
        }
        return .init(
            errorCode: RaftErrorCode(rawValue: w.errorCode != 0 ? w.errorCode : p.errorCode),
            leaderId: leaderId(p.currentLeader.leaderId), leaderEpoch: p.currentLeader.leaderEpoch,
            highWatermark: p.highWatermark, logStartOffset: p.logStartOffset, recordsBaseOffset: baseOffset,
            records: records,
            divergingEpoch: p.divergingEpoch.epoch < 0 ? nil : OffsetAndEpoch(offset: p.divergingEpoch.endOffset, epoch: p.divergingEpoch.epoch),
            snapshotId: p.snapshotId.epoch < 0 ? nil : OffsetAndEpoch(offset: p.snapshotId.endOffset, epoch: p.snapshotId.epoch))
    }

    static func makeFetchSnapshotRequest(_ m: RaftMessage.FetchSnapshotRequest, clusterId: String?) -> FetchSnapshotRequest {
        FetchSnapshotRequest(
            clusterId: clusterId, replicaId: m.replicaId, maxBytes: m.maxBytes,
            topics: [.init(name: topicName, partitions: [.init(
                partition: partition, currentLeaderEpoch: m.currentLeaderEpoch,
                snapshotId: .init(endOffset: m.snapshotId.offset, epoch: m.snapshotId.epoch), position: m.position)])])
    }

    static func core(_ w: FetchSnapshotRequest) throws(KafkaProtocolError) -> RaftMessage.FetchSnapshotRequest {
        guard let p = w.topics.first?.partitions.first else { throw missingPartition("FetchSnapshotRequest") }
        return .init(
            replicaId: w.replicaId, currentLeaderEpoch: p.currentLeaderEpoch,
            snapshotId: OffsetAndEpoch(offset: p.snapshotId.endOffset, epoch: p.snapshotId.epoch), position: p.position,
            maxBytes: w.maxBytes)
    }

    static func makeFetchSnapshotResponse(_ m: RaftMessage.FetchSnapshotResponse) -> FetchSnapshotResponse {
        FetchSnapshotResponse(throttleTimeMs: 0, errorCode: 0, topics: [.init(name: topicName, partitions: [.init(
            index: partition, errorCode: m.errorCode.rawValue,
            snapshotId: .init(endOffset: m.snapshotId.offset, epoch: m.snapshotId.epoch),
            currentLeader: .init(leaderId: m.leaderId ?? -1, leaderEpoch: m.leaderEpoch), size: m.size, position: m.position,
            unalignedRecords: ByteBuffer(bytes: m.unalignedRecords))])])
    }

    static func core(_ w: FetchSnapshotResponse) throws(KafkaProtocolError) -> RaftMessage.FetchSnapshotResponse {
        guard let p = w.topics.first?.partitions.first else { throw missingPartition("FetchSnapshotResponse") }
        return .init(
            errorCode: RaftErrorCode(rawValue: w.errorCode != 0 ? w.errorCode : p.errorCode),
            leaderId: leaderId(p.currentLeader.leaderId), leaderEpoch: p.currentLeader.leaderEpoch,
            snapshotId: OffsetAndEpoch(offset: p.snapshotId.endOffset, epoch: p.snapshotId.epoch), size: p.size,
            position: p.position, unalignedRecords: p.unalignedRecords.map { Array($0.readableBytesView) } ?? [])
    }
}
