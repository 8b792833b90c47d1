import KafkaController
import KafkaModel
import Testing

@Suite(.tags(.unit)) struct ControllerBrokerRequestCoalescingTests {
    private func header(_ epoch: Int32) -> ControllerRequestHeader {
        ControllerRequestHeader(controllerID: 1, controllerEpoch: epoch, brokerEpoch: 100)
    }

    private func leaderAndISR(_ target: BrokerID, _ partitions: [(Int32, BrokerID, Bool)], epoch: Int32 = 1) -> ControllerBrokerRequest {
        .leaderAndISR(
            LeaderAndISRRequest(
                brokerID: target, header: header(epoch),
                partitionStates: partitions.map { partition, leader, isNew in
                    LeaderAndISRPartitionState(
                        topicPartition: tp("t", partition),
                        leadership: LeaderISRAndControllerEpoch(
                            leader: leader, leaderEpoch: 1, isr: [leader], zkVersion: 0, controllerEpoch: epoch),
                        assignment: ReplicaAssignment(replicas: [1, 2, 3]), isNew: isNew)
                },
                liveLeaders: Array(Set(partitions.map(\.1))).sorted().map { broker($0) }))
    }

    private func updateMetadata(_ target: BrokerID, _ partitions: [(Int32, BrokerID)]) -> ControllerBrokerRequest {
        .updateMetadata(
            UpdateMetadataRequest(
                brokerID: target, header: header(1),
                partitionStates: partitions.map {
                    UpdateMetadataPartitionState(
                        topicPartition: tp("t", $0.0),
                        leadership: LeaderISRAndControllerEpoch(
                            leader: $0.1, leaderEpoch: 1, isr: [$0.1], zkVersion: 0, controllerEpoch: 1),
                        replicas: [1, 2, 3], offlineReplicas: [])
                },
                liveBrokers: [broker(1), broker(2), broker(3)]))
    }

    @Test func samePartitionKeepsTheLatestStateAndStickyIsNew() {
        let merged = ControllerBrokerRequest.coalesced([
            leaderAndISR(2, [(0, 1, true), (2, 1, false)]),
            updateMetadata(2, []),
            updateMetadata(3, [(0, 1)]),
            leaderAndISR(2, [(0, 3, false), (1, 3, false)]),
            updateMetadata(3, [(0, 3), (1, 3)]),
        ])
        #expect(merged.map(\.apiName) == ["LeaderAndIsr", "UpdateMetadata", "UpdateMetadata"])
        #expect(merged.map(\.brokerID) == [2, 2, 3])
        guard case .leaderAndISR(let request) = merged[0] else { Issue.record("not LeaderAndIsr"); return }
        #expect(request.partitionStates.map(\.topicPartition) == [tp("t", 0), tp("t", 1), tp("t", 2)])
        #expect(request.partitionStates.map(\.leader) == [3, 3, 1])
        #expect(request.partitionStates.map(\.isNew) == [true, false, false])
        #expect(request.liveLeaders.map(\.id) == [1, 3])
        guard case .updateMetadata(let metadata) = merged[2] else { Issue.record("not UpdateMetadata"); return }
        #expect(metadata.partitionStates.map(\.leader) == [3, 3])
    }

    @Test func singleRequestsAreUnchanged() {
        let requests = [leaderAndISR(1, [(0, 1, false)]), updateMetadata(1, [(0, 1)]), updateMetadata(2, [(0, 1)])]
        #expect(ControllerBrokerRequest.coalesced(requests) == requests)
    }

    @Test func transitionChecksMatchTheValidPreviousStates() {
        for to in PartitionState.allCases {
            for from in PartitionState.allCases {
                #expect(to.isValidTransition(from: from) == to.validPreviousStates.contains(from))
            }
        }
        for to in ReplicaState.allCases {
            for from in ReplicaState.allCases {
                #expect(to.isValidTransition(from: from) == to.validPreviousStates.contains(from))
            }
        }
    }
}
