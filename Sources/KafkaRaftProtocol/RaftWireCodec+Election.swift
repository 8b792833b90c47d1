import KafkaProtocol
import KafkaRaft

/// Vote, BeginQuorumEpoch and EndQuorumEpoch: one topic, one partition each way.
extension RaftWireCodec {
    static func makeVoteRequest(_ m: RaftMessage.VoteRequest, clusterId: String?) -> VoteRequest {
        VoteRequest(clusterId: clusterId, topics: [.init(topicName: topicName, partitions: [.init(
            partitionIndex: partition, candidateEpoch: m.candidateEpoch, candidateId: m.candidateId,
            lastOffsetEpoch: m.lastOffsetEpoch, lastOffset: m.lastOffset)])])
    }

    static func core(_ w: VoteRequest) throws(KafkaProtocolError) -> RaftMessage.VoteRequest {
        guard let p = w.topics.first?.partitions.first else { throw missingPartition("VoteRequest") }
        return .init(candidateEpoch: p.candidateEpoch, candidateId: p.candidateId, lastOffsetEpoch: p.lastOffsetEpoch, lastOffset: p.lastOffset)
    }

    static func makeVoteResponse(_ m: RaftMessage.VoteResponse) -> VoteResponse {
        VoteResponse(errorCode: 0, topics: [.init(topicName: topicName, partitions: [.init(
            partitionIndex: partition, errorCode: m.errorCode.rawValue, leaderId: m.leaderId ?? -1,
            leaderEpoch: m.leaderEpoch, voteGranted: m.voteGranted)])])
    }

    static func core(_ w: VoteResponse) throws(KafkaProtocolError) -> RaftMessage.VoteResponse {
        guard let p = w.topics.first?.partitions.first else { throw missingPartition("VoteResponse") }
        let error = w.errorCode != 0 ? w.errorCode : p.errorCode
        return .init(errorCode: RaftErrorCode(rawValue: error), leaderId: leaderId(p.leaderId), leaderEpoch: p.leaderEpoch, voteGranted: p.voteGranted)
    }

    static func makeBeginQuorumEpochRequest(_ m: RaftMessage.BeginQuorumEpochRequest, clusterId: String?) -> BeginQuorumEpochRequest {
        BeginQuorumEpochRequest(clusterId: clusterId, topics: [.init(topicName: topicName, partitions: [.init(
            partitionIndex: partition, leaderId: m.leaderId, leaderEpoch: m.leaderEpoch)])])
    }

    static func core(_ w: BeginQuorumEpochRequest) throws(KafkaProtocolError) -> RaftMessage.BeginQuorumEpochRequest {
        guard let p = w.topics.first?.partitions.first else { throw missingPartition("BeginQuorumEpochRequest") }
        return .init(leaderId: p.leaderId, leaderEpoch: p.leaderEpoch)
    }

    static func makeBeginQuorumEpochResponse(_ m: RaftMessage.EpochResponse) -> BeginQuorumEpochResponse {
        BeginQuorumEpochResponse(errorCode: 0, topics: [.init(topicName: topicName, partitions: [.init(
            partitionIndex: partition, errorCode: m.errorCode.rawValue, leaderId: m.leaderId ?? -1, leaderEpoch: m.leaderEpoch)])])
    }

    static func core(_ w: BeginQuorumEpochResponse) throws(KafkaProtocolError) -> RaftMessage.EpochResponse {
        guard let p = w.topics.first?.partitions.first else { throw missingPartition("BeginQuorumEpochResponse") }
        let error = w.errorCode != 0 ? w.errorCode : p.errorCode
        return .init(errorCode: RaftErrorCode(rawValue: error), leaderId: leaderId(p.leaderId), leaderEpoch: p.leaderEpoch)
    }

    static func makeEndQuorumEpochRequest(_ m: RaftMessage.EndQuorumEpochRequest, clusterId: String?) -> EndQuorumEpochRequest {
        EndQuorumEpochRequest(clusterId: clusterId, topics: [.init(topicName: topicName, partitions: [.init(
            partitionIndex: partition, leaderId: m.leaderId, leaderEpoch: m.leaderEpoch, preferredSuccessors: m.preferredSuccessors)])])
    }

    static func core(_ w: EndQuorumEpochRequest) throws(KafkaProtocolError) -> RaftMessage.EndQuorumEpochRequest {
        guard let p = w.topics.first?.partitions.first else { throw missingPartition("EndQuorumEpochRequest") }
        return .init(leaderId: p.leaderId, leaderEpoch: p.leaderEpoch, preferredSuccessors: p.preferredSuccessors)
    }

    static func makeEndQuorumEpochResponse(_ m: RaftMessage.EpochResponse) -> EndQuorumEpochResponse {
        EndQuorumEpochResponse(errorCode: 0, topics: [.init(topicName: topicName, partitions: [.init(
            partitionIndex: partition, errorCode: m.errorCode.rawValue, leaderId: m.leaderId ?? -1, leaderEpoch: m.leaderEpoch)])])
    }

    static func core(_ w: EndQuorumEpochResponse) throws(KafkaProtocolError) -> RaftMessage.EpochResponse {
        guard let p = w.topics.first?.partitions.first else { throw missingPartition("EndQuorumEpochResponse") }
        let error = w.errorCode != 0 ? w.errorCode : p.errorCode
        return .init(errorCode: RaftErrorCode(rawValue: error), leaderId: leaderId(p.leaderId), leaderEpoch: p.leaderEpoch)
    }
}
