import KafkaController
import KafkaMetadataRecords
import KafkaModel

/// The KRaft study timeline in ZooKeeper mode's `controller-trace.jsonl` vocabulary, so `zkafka trace` reads
/// both modes with one reader: committed partition records become partition `transition` lines, changes in
/// the set of unfenced brokers become `brokerChange` milestones, and Raft leadership becomes `elected` /
/// `resigned` milestones. The Raft epoch stands in for the controller epoch, and each line's `cause` names
/// the record and its committed offset (e.g. `PartitionChangeRecord@42`). Pure: the caller passes the time.
public enum QuorumControllerTrace {
    /// A controller became the Raft leader (active controller) or stopped being it.
    public static func leadershipChange(
        controllerID: BrokerID, isLeader: Bool, raftEpoch: Int32, timeMs: Int64
    ) -> ControllerTraceRecord {
        .milestone(ControllerMilestoneTraceRecord(
            kind: isLeader ? .elected : .resigned, timeMs: timeMs, brokerID: controllerID, controllerEpoch: raftEpoch))
    }

    /// A Raft role change (KIP-595 states) as a milestone: `elected` for Leader, `candidate`, `voted` (with the
    /// candidate voted for) and `follower` (with the leader), each with the committed offset and log end; nil
    /// for the states that say nothing new (Unattached, Resigned: `leadershipChange` covers losing leadership).
    public static func raftRoleChange(
        controllerID: BrokerID, role: String, raftEpoch: Int32, leaderID: BrokerID?, votedFor: BrokerID?,
        committedOffset: Int64, logEndOffset: Int64, timeMs: Int64
    ) -> ControllerTraceRecord? {
        let kind: ControllerMilestoneTraceRecord.Kind
        switch role {
        case "Leader": kind = .elected
        case "Candidate": kind = .candidate
        case "Voted": kind = .voted
        case "Follower": kind = .follower
        default: return nil
        }
        return .milestone(ControllerMilestoneTraceRecord(
            kind: kind, timeMs: timeMs, brokerID: controllerID, controllerEpoch: raftEpoch,
            raftLeaderID: kind == .follower ? leaderID : nil, votedFor: kind == .voted ? votedFor : nil,
            committedOffset: committedOffset, logEndOffset: logEndOffset))
    }

    /// The trace lines for one committed record, given the state just before it was replayed.
    public static func records(
        for record: MetadataRecord, offset: Int64, before: QuorumControllerState, controllerID: BrokerID,
        raftEpoch: Int32, timeMs: Int64
    ) -> [ControllerTraceRecord] {
        let context = context(for: record, in: before)
        var after = before
        after.replay(record, offset: offset)
        return records(
            for: record, offset: offset, context: context, after: after, controllerID: controllerID,
            raftEpoch: raftEpoch, timeMs: timeMs)
    }

    /// What a record's trace lines need from the state before it: the facts are looked up before the replay
    /// so that a replayer tracing in place does not copy its whole state per record.
    public struct RecordContext: Sendable {
        var previousPartition: PartitionRegistration?
        var removedTopic: TopicControlInfo?
        var liveBrokers: [BrokerID]?
    }

    public static func context(for record: MetadataRecord, in before: QuorumControllerState) -> RecordContext {
        switch record {
        case .partitionChange(let r):
            RecordContext(previousPartition: before.topics[r.topicId]?.partitions[r.partitionId])
        case .removeTopic(let r):
            RecordContext(removedTopic: before.topics[r.topicId])
        case .registerBroker, .brokerRegistrationChange, .fenceBroker, .unfenceBroker, .unregisterBroker:
            RecordContext(liveBrokers: before.unfencedBrokerIDs)
        default:
            RecordContext()
        }
    }

    /// The trace lines for one committed record, from the facts before it and the state after it.
    public static func records(
        for record: MetadataRecord, offset: Int64, context: RecordContext, after: QuorumControllerState,
        controllerID: BrokerID, raftEpoch: Int32, timeMs: Int64
    ) -> [ControllerTraceRecord] {
        let cause = "\(recordName(record))@\(offset)"
        switch record {
        case .partition(let r):
            guard let topic = after.topics[r.topicId], let partition = topic.partitions[r.partitionId] else { return [] }
            return [transition(
                topic: topic.name, id: r.partitionId, from: "NewPartition", after: partition, raftEpoch: raftEpoch,
                cause: cause, timeMs: timeMs)]
        case .partitionChange(let r):
            guard let topic = after.topics[r.topicId], let partition = topic.partitions[r.partitionId],
                let previous = context.previousPartition
            else { return [] }
            return [transition(
                topic: topic.name, id: r.partitionId, from: stateName(previous), after: partition, raftEpoch: raftEpoch,
                cause: cause, timeMs: timeMs)]
        case .removeTopic:
            guard let topic = context.removedTopic else { return [] }
            return topic.partitions.keys.sorted().map { id in
                var line = StateTransitionTraceRecord(
                    kind: .partition, topicPartition: TopicPartition(topic: topic.name, partition: id),
                    from: stateName(topic.partitions[id]!), to: "NonExistentPartition", controllerEpoch: raftEpoch,
                    cause: cause, outcome: .applied)
                line.timeMs = timeMs
                return .transition(line)
            }
        case .registerBroker, .brokerRegistrationChange, .fenceBroker, .unfenceBroker, .unregisterBroker:
            let wasLive = Set(context.liveBrokers ?? [])
            let live = after.unfencedBrokerIDs
            let newBrokers = live.filter { !wasLive.contains($0) }
            let deadBrokers = wasLive.subtracting(live).sorted()
            guard !newBrokers.isEmpty || !deadBrokers.isEmpty else { return [] }
            return [.milestone(ControllerMilestoneTraceRecord(
                kind: .brokerChange, timeMs: timeMs, brokerID: controllerID, controllerEpoch: raftEpoch,
                newBrokers: newBrokers, deadBrokers: deadBrokers, bouncedBrokers: [], liveBrokers: live))]
        case .topic, .config, .featureLevel, .noOp, .producerIDs:
            return []
        }
    }

    /// ZooKeeper mode's partition state names: a partition with a leader is online, one without is offline.
    static func stateName(_ partition: PartitionRegistration) -> String {
        partition.leader >= 0 ? "OnlinePartition" : "OfflinePartition"
    }

    static func transition(
        topic: String, id: Int32, from: String, after: PartitionRegistration, raftEpoch: Int32, cause: String,
        timeMs: Int64
    ) -> ControllerTraceRecord {
        var line = StateTransitionTraceRecord(
            kind: .partition, topicPartition: TopicPartition(topic: topic, partition: id), from: from,
            to: stateName(after), leaderAndISR: after.leaderAndISR, controllerEpoch: raftEpoch, cause: cause,
            outcome: .applied)
        line.timeMs = timeMs
        return .transition(line)
    }

    static func recordName(_ record: MetadataRecord) -> String {
        switch record {
        case .registerBroker: "RegisterBrokerRecord"
        case .unregisterBroker: "UnregisterBrokerRecord"
        case .topic: "TopicRecord"
        case .partition: "PartitionRecord"
        case .config: "ConfigRecord"
        case .partitionChange: "PartitionChangeRecord"
        case .fenceBroker: "FenceBrokerRecord"
        case .unfenceBroker: "UnfenceBrokerRecord"
        case .removeTopic: "RemoveTopicRecord"
        case .featureLevel: "FeatureLevelRecord"
        case .brokerRegistrationChange: "BrokerRegistrationChangeRecord"
        case .noOp: "NoOpRecord"
        case .producerIDs: "ProducerIdsRecord"
        }
    }
}
