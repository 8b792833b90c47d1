import KafkaBroker
import KafkaModel
import KafkaProtocol
import KafkaRaftProtocol

// The two wire forms of a batch of ISR changes. Kafka 2.8's AlterIsr v0 (ZooKeeper mode, generated into
// KafkaProtocol from the 2.8.2 spec so a ZooKeeper-mode broker names API 56 as 2.8 does) and Kafka 3.3's
// AlterPartition v0–v1 (KRaft, KafkaRaftProtocol) carry the same fields — `CurrentIsrVersion` became
// `PartitionEpoch`, v1 added `LeaderRecoveryState` — so one queue and one manager serve both; only these
// conversions differ.

extension AlterIsrRequest {
    /// Kafka 2.8's `DefaultAlterIsrManager.buildRequest`: the changes grouped by topic.
    init(brokerID: BrokerID, brokerEpoch: Int64, changes: [Partition.IsrUpdate]) {
        let byTopic = Dictionary(grouping: changes, by: \.topicPartition.topic)
        self.init(
            brokerId: brokerID, brokerEpoch: brokerEpoch,
            topics: byTopic.keys.sorted().map { topic in
                TopicData(
                    name: topic,
                    partitions: byTopic[topic]!.map { update in
                        PartitionData(
                            partitionIndex: update.topicPartition.partition, leaderEpoch: update.leaderEpoch,
                            newIsr: update.isr, currentIsrVersion: update.zkVersion)
                    })
            })
    }
}

extension AlterIsrResponse {
    /// The per-partition answers (meaningful when the top-level error is NONE).
    var isrChangeAnswers: [IsrChangeAnswer] {
        topics.flatMap { topic in
            topic.partitions.map { answer in
                IsrChangeAnswer(
                    topicPartition: TopicPartition(topic: topic.name, partition: answer.partitionIndex),
                    error: KafkaErrorCode(rawValue: answer.errorCode), leaderEpoch: answer.leaderEpoch, isr: answer.isr,
                    version: answer.currentIsrVersion)
            }
        }
    }
}

extension AlterPartitionRequest {
    /// Kafka 3.3's `AlterPartitionManager.buildRequest` (v1 shape: topic names; `topicIDs` fills the v2 ids).
    init(brokerID: BrokerID, brokerEpoch: Int64, changes: [Partition.IsrUpdate], topicIDs: [String: KafkaUUID]) {
        let byTopic = Dictionary(grouping: changes, by: \.topicPartition.topic)
        self.init(
            brokerId: brokerID, brokerEpoch: brokerEpoch,
            topics: byTopic.keys.sorted().map { topic in
                TopicData(
                    topicName: topic, topicId: topicIDs[topic] ?? .zero,
                    partitions: byTopic[topic]!.map { update in
                        PartitionData(
                            partitionIndex: update.topicPartition.partition, leaderEpoch: update.leaderEpoch,
                            newIsr: update.isr, leaderRecoveryState: 0, partitionEpoch: update.zkVersion)
                    })
            })
    }
}

extension AlterPartitionResponse {
    /// The per-partition answers (meaningful when the top-level error is NONE).
    var isrChangeAnswers: [IsrChangeAnswer] {
        topics.flatMap { topic in
            topic.partitions.map { answer in
                IsrChangeAnswer(
                    topicPartition: TopicPartition(topic: topic.topicName, partition: answer.partitionIndex),
                    error: KafkaErrorCode(rawValue: answer.errorCode), leaderEpoch: answer.leaderEpoch, isr: answer.isr,
                    version: answer.partitionEpoch)
            }
        }
    }
}

extension IsrChangeQueue {
    /// The next batch as an AlterPartition request (KRaft).
    public mutating func nextRequest(brokerID: BrokerID, brokerEpoch: Int64, topicIDs: [String: KafkaUUID]) -> AlterPartitionRequest? {
        nextBatch().map { AlterPartitionRequest(brokerID: brokerID, brokerEpoch: brokerEpoch, changes: $0, topicIDs: topicIDs) }
    }

    /// The next batch as an AlterIsr request (ZooKeeper mode).
    public mutating func nextAlterIsrRequest(brokerID: BrokerID, brokerEpoch: Int64) -> AlterIsrRequest? {
        nextBatch().map { AlterIsrRequest(brokerID: brokerID, brokerEpoch: brokerEpoch, changes: $0) }
    }

    /// ``answered(_:)`` for an AlterPartition response.
    public mutating func answered(_ response: AlterPartitionResponse) -> [(token: Token, outcome: Outcome)] {
        answered(response.isrChangeAnswers)
    }

    /// ``answered(_:)`` for an AlterIsr response.
    public mutating func answered(_ response: AlterIsrResponse) -> [(token: Token, outcome: Outcome)] {
        answered(response.isrChangeAnswers)
    }
}
