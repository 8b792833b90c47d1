import KafkaController
import KafkaModel
import KafkaProtocol
import Testing

@testable import ZooKeeperModeController

/// The events the controller gets from brokers' answers: topic deletion needs the partitions answered NONE.
@Suite(.tags(.unit)) struct ControllerResponseEventsTests {
    let header = ControllerRequestHeader(controllerID: 1, controllerEpoch: 3, brokerEpoch: 7)

    func stopReplica(delete: Bool) -> CoreStopReplicaRequest {
        CoreStopReplicaRequest(brokerID: 2, header: header, partitionStates: [0, 1].map {
            StopReplicaPartitionState(topicPartition: TopicPartition(topic: "doomed", partition: $0), leaderEpoch: 4, deletePartition: delete)
        })
    }

    @Test func stopReplicaWithDelete_reportsEveryPartition_noneIncluded() throws {
        let response = StopReplicaResponse(errorCode: 0, partitionErrors: [
            .init(topicName: "doomed", partitionIndex: 0, errorCode: 0),
            .init(topicName: "doomed", partitionIndex: 1, errorCode: 56),
        ])
        let event = try #require(ControllerResponseEvents.stopReplica(response, to: stopReplica(delete: true)))
        guard case .topicDeletionStopReplicaResponseReceived(let broker, let errorCode, let errors) = event else {
            Issue.record("unexpected event \(event)")
            return
        }
        #expect(broker == 2)
        #expect(errorCode == 0)
        #expect(errors == [TopicPartition(topic: "doomed", partition: 0): 0, TopicPartition(topic: "doomed", partition: 1): 56])
    }

    @Test func stopReplicaWithoutDelete_hasNoEvent() {
        let response = StopReplicaResponse(errorCode: 0, partitionErrors: [.init(topicName: "doomed", partitionIndex: 0, errorCode: 0)])
        #expect(ControllerResponseEvents.stopReplica(response, to: stopReplica(delete: false)).map { "\($0)" } == nil)
    }

    @Test func leaderAndISR_keepsOnlyFailedPartitions() {
        let request = LeaderAndISRRequest(brokerID: 3, header: header, partitionStates: [], liveLeaders: [])
        var response = LeaderAndIsrResponse()
        response.partitionErrors = [
            .init(topicName: "t", partitionIndex: 0, errorCode: 0),
            .init(topicName: "t", partitionIndex: 1, errorCode: 56),
        ]
        guard case .leaderAndISRResponseReceived(let broker, _, let errors) = ControllerResponseEvents.leaderAndISR(response, to: request) else {
            Issue.record("unexpected event")
            return
        }
        #expect(broker == 3)
        #expect(errors == [TopicPartition(topic: "t", partition: 1): 56])
    }
}
