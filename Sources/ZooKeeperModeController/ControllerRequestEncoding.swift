import KafkaController
import KafkaModel
import KafkaProtocol

/// Turns the controller's request values into Kafka 2.8's wire messages at the versions a 2.8
/// controller sends with IBP 2.8: LeaderAndIsr v5, UpdateMetadata v7, StopReplica v3.
enum ControllerRequestEncoding {
    static let leaderAndISRVersion: Int16 = 5
    static let updateMetadataVersion: Int16 = 7
    static let stopReplicaVersion: Int16 = 3

    /// The listener the controller uses to reach brokers (`inter.broker.listener.name`).
    static func leaderAndISR(_ request: CoreLeaderAndISRRequest, listenerName: String) -> KafkaProtocol.LeaderAndIsrRequest {
        KafkaProtocol.LeaderAndIsrRequest(
            controllerId: request.header.controllerID, controllerEpoch: request.header.controllerEpoch,
            brokerEpoch: request.header.brokerEpoch, type: 0,
            topicStates: TopicRuns.of(request.partitionStates, topic: \.topicPartition.topic).map { (topic, states) -> KafkaProtocol.LeaderAndIsrRequest.LeaderAndIsrTopicState in
                .init(
                    topicName: topic, topicId: .zero,
                    partitionStates: states.map { state -> KafkaProtocol.LeaderAndIsrRequest.LeaderAndIsrPartitionState in
                        .init(
                            topicName: topic, partitionIndex: state.topicPartition.partition,
                            controllerEpoch: state.controllerEpoch, leader: state.leader, leaderEpoch: state.leaderEpoch,
                            isr: state.isr, zkVersion: state.zkVersion, replicas: state.replicas,
                            addingReplicas: state.addingReplicas, removingReplicas: state.removingReplicas, isNew: state.isNew)
                    })
            },
            liveLeaders: request.liveLeaders.map { broker in
                let endpoint = broker.endpoint(for: listenerName) ?? broker.endpoints.first
                return .init(brokerId: broker.id, hostName: endpoint?.host ?? "", port: endpoint?.port ?? -1)
            })
    }

    static func updateMetadata(_ request: CoreUpdateMetadataRequest) -> KafkaProtocol.UpdateMetadataRequest {
        KafkaProtocol.UpdateMetadataRequest(
            controllerId: request.header.controllerID, controllerEpoch: request.header.controllerEpoch,
            brokerEpoch: request.header.brokerEpoch,
            topicStates: TopicRuns.of(request.partitionStates, topic: \.topicPartition.topic).map { (topic, states) -> KafkaProtocol.UpdateMetadataRequest.UpdateMetadataTopicState in
                .init(
                    topicName: topic, topicId: .zero,
                    partitionStates: states.map { state -> KafkaProtocol.UpdateMetadataRequest.UpdateMetadataPartitionState in
                        .init(
                            topicName: topic, partitionIndex: state.topicPartition.partition,
                            controllerEpoch: state.controllerEpoch, leader: state.leader, leaderEpoch: state.leaderEpoch,
                            isr: state.isr, zkVersion: state.zkVersion, replicas: state.replicas,
                            offlineReplicas: state.offlineReplicas)
                    })
            },
            liveBrokers: request.liveBrokers.map { broker in
                .init(
                    id: broker.id,
                    endpoints: broker.endpoints.map { endpoint in
                        .init(
                            port: endpoint.port, host: endpoint.host, listener: endpoint.listenerName,
                            securityProtocol: securityProtocolID(endpoint.securityProtocol))
                    },
                    rack: broker.rack)
            })
    }

    static func stopReplica(_ request: CoreStopReplicaRequest) -> KafkaProtocol.StopReplicaRequest {
        KafkaProtocol.StopReplicaRequest(
            controllerId: request.header.controllerID, controllerEpoch: request.header.controllerEpoch,
            brokerEpoch: request.header.brokerEpoch,
            topicStates: TopicRuns.of(request.partitionStates, topic: \.topicPartition.topic).map { (topic, states) -> KafkaProtocol.StopReplicaRequest.StopReplicaTopicState in
                .init(
                    topicName: topic,
                    partitionStates: states.map { state -> KafkaProtocol.StopReplicaRequest.StopReplicaPartitionState in
                        .init(partitionIndex: state.topicPartition.partition, leaderEpoch: state.leaderEpoch, deletePartition: state.deletePartition)
                    })
            })
    }

    /// Kafka's `SecurityProtocol` ids.
    static func securityProtocolID(_ name: String) -> Int16 {
        switch name {
        case "SSL": 1
        case "SASL_PLAINTEXT": 2
        case "SASL_SSL": 3
        default: 0
        }
    }
}
