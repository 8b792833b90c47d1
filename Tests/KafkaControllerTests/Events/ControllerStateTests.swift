import KafkaController
import KafkaModel
import Testing

@Suite(.tags(.unit)) struct ControllerStateTests {
    @Test func rawValues_matchKafka() {
        let expected: [(ControllerState, Int8, String)] = [
            (.idle, 0, "Idle"), (.controllerChange, 1, "ControllerChange"), (.brokerChange, 2, "BrokerChange"),
            (.topicChange, 3, "TopicChange"), (.topicDeletion, 4, "TopicDeletion"),
            (.alterPartitionReassignment, 5, "AlterPartitionReassignment"), (.autoLeaderBalance, 6, "AutoLeaderBalance"),
            (.manualLeaderBalance, 7, "ManualLeaderBalance"), (.controlledShutdown, 8, "ControlledShutdown"),
            (.isrChange, 9, "IsrChange"), (.leaderAndISRResponseReceived, 10, "LeaderAndIsrResponseReceived"),
            (.logDirChange, 11, "LogDirChange"), (.controllerShutdown, 12, "ControllerShutdown"),
            (.uncleanLeaderElectionEnable, 13, "UncleanLeaderElectionEnable"),
            (.topicUncleanLeaderElectionEnable, 14, "TopicUncleanLeaderElectionEnable"),
            (.listPartitionReassignment, 15, "ListPartitionReassignment"),
            (.updateMetadataResponseReceived, 16, "UpdateMetadataResponseReceived"), (.updateFeatures, 17, "UpdateFeatures"),
        ]
        #expect(ControllerState.allCases.count == 18)
        for (state, value, name) in expected {
            #expect(state.rawValue == value)
            #expect(state.name == name)
        }
        #expect(ControllerState.brokerChange.rateAndTimeMetricName == "LeaderElectionRateAndTimeMs")
        #expect(ControllerState.idle.rateAndTimeMetricName == nil)
    }

    @Test func events_mapToKafkaStates() {
        let cases: [(ControllerEvent, ControllerState)] = [
            (.startup, .controllerChange), (.controllerChange, .controllerChange), (.reelect, .controllerChange),
            (.expire, .controllerChange), (.registerBrokerAndReelect, .controllerChange),
            (.shutdownEventThread, .controllerShutdown), (.brokerChange, .brokerChange),
            (.brokerModifications(brokerID: 1), .brokerChange), (.topicChange, .topicChange),
            (.partitionModifications(topic: "t"), .topicChange), (.topicDeletion, .topicDeletion),
            (.topicDeletionStopReplicaResponseReceived(brokerID: 1, errorCode: 0, partitionErrors: [:]), .topicDeletion),
            (.zkPartitionReassignment, .alterPartitionReassignment), (.isrChangeNotification, .isrChange),
            (.replicaLeaderElection(partitions: nil, electionType: .preferred, trigger: .zkTriggered), .manualLeaderBalance),
            (.autoPreferredReplicaLeaderElection, .autoLeaderBalance),
            (.controlledShutdown(brokerID: 1, brokerEpoch: 1) { _ in }, .controlledShutdown),
            (.leaderAndISRResponseReceived(brokerID: 1, errorCode: 0, partitionErrors: [:]), .leaderAndISRResponseReceived),
            (.updateMetadataResponseReceived(brokerID: 1, errorCode: 0), .updateMetadataResponseReceived),
        ]
        for (event, state) in cases { #expect(event.state == state, "\(event.name)") }
    }
}
