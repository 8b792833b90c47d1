import KafkaProtocol
import KafkaRaft

/// DescribeQuorum (KIP-595, `kafka-metadata-quorum.sh describe`): the request names the partition;
/// the leader answers with `RaftInstance.describeQuorum`, any other member with NOT_LEADER_OR_FOLLOWER.
extension RaftWireCodec {
    public static func describeQuorumRequest() -> DescribeQuorumRequest {
        DescribeQuorumRequest(topics: [.init(topicName: topicName, partitions: [.init(partitionIndex: partition)])])
    }

    /// The response from `info` (nil: this member is not the leader; `leaderId`/`leaderEpoch` then
    /// say who it believes leads).
    public static func describeQuorumResponse(
        _ info: QuorumInfo?, leaderId: Int32?, leaderEpoch: Int32
    ) -> DescribeQuorumResponse {
        func wire(_ replica: QuorumInfo.ReplicaState) -> DescribeQuorumResponse.ReplicaState {
            .init(
                replicaId: replica.replicaId, logEndOffset: replica.logEndOffset,
                lastFetchTimestamp: replica.lastFetchTimestamp, lastCaughtUpTimestamp: replica.lastCaughtUpTimestamp)
        }
        let partitionData: DescribeQuorumResponse.PartitionData
        if let info {
            partitionData = .init(
                partitionIndex: partition, errorCode: RaftErrorCode.none.rawValue, leaderId: info.leaderId,
                leaderEpoch: info.leaderEpoch, highWatermark: info.highWatermark, currentVoters: info.voters.map(wire),
                observers: info.observers.map(wire))
        } else {
            partitionData = .init(
                partitionIndex: partition, errorCode: RaftErrorCode.notLeaderOrFollower.rawValue, leaderId: leaderId ?? -1,
                leaderEpoch: leaderEpoch, highWatermark: -1, currentVoters: [], observers: [])
        }
        return DescribeQuorumResponse(errorCode: 0, topics: [.init(topicName: topicName, partitions: [partitionData])])
    }
}
