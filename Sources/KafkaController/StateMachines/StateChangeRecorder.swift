import KafkaModel
import Logging

/// Logs a state-machine decision (Kafka's state-change logger) and appends it to the controller trace.
/// Applied transitions log at info, refused and failed ones at error.
struct StateChangeRecorder {
    let controllerID: BrokerID
    let logger: Logger
    let traceSink: any ControllerTraceSink

    func partition(
        _ partition: TopicPartition, from: PartitionState, to: PartitionState, leaderAndISR: LeaderAndISR? = nil,
        controllerEpoch: Int32, cause: String, outcome: StateTransitionTraceRecord.Outcome, reason: String? = nil
    ) {
        let metadata: Logger.Metadata = [
            "controller": "\(controllerID)", "controllerEpoch": "\(controllerEpoch)", "partition": "\(partition)",
            "from": "\(from)", "to": "\(to)", "cause": "\(cause)",
        ]
        log(
            outcome: outcome,
            message: "Partition \(partition) \(describe(outcome)) from \(from) to \(to)"
                + (leaderAndISR.map { " with state \($0)" } ?? "") + (reason.map { ": \($0)" } ?? ""),
            metadata: metadata)
        traceSink.append(
            .transition(
                StateTransitionTraceRecord(
                    kind: .partition, topicPartition: partition, from: from.description, to: to.description,
                    leaderAndISR: leaderAndISR, controllerEpoch: controllerEpoch, cause: cause, outcome: outcome,
                    reason: reason)))
    }

    func replica(
        _ replica: PartitionReplica, from: ReplicaState, to: ReplicaState, leaderAndISR: LeaderAndISR? = nil,
        controllerEpoch: Int32, cause: String, outcome: StateTransitionTraceRecord.Outcome, reason: String? = nil
    ) {
        let metadata: Logger.Metadata = [
            "controller": "\(controllerID)", "controllerEpoch": "\(controllerEpoch)",
            "partition": "\(replica.topicPartition)", "replica": "\(replica.replica)", "from": "\(from)",
            "to": "\(to)", "cause": "\(cause)",
        ]
        log(
            outcome: outcome,
            message: "Replica \(replica.replica) of partition \(replica.topicPartition) \(describe(outcome)) "
                + "from \(from) to \(to)" + (leaderAndISR.map { " with state \($0)" } ?? "")
                + (reason.map { ": \($0)" } ?? ""),
            metadata: metadata)
        traceSink.append(
            .transition(
                StateTransitionTraceRecord(
                    kind: .replica, topicPartition: replica.topicPartition, replica: replica.replica,
                    from: from.description, to: to.description, leaderAndISR: leaderAndISR,
                    controllerEpoch: controllerEpoch, cause: cause, outcome: outcome, reason: reason)))
    }

    private func describe(_ outcome: StateTransitionTraceRecord.Outcome) -> String {
        switch outcome {
        case .applied: "changed state"
        case .refused: "refused invalid state change"
        case .failed: "failed state change"
        }
    }

    private func log(outcome: StateTransitionTraceRecord.Outcome, message: String, metadata: Logger.Metadata) {
        switch outcome {
        case .applied: logger.info("\(message)", metadata: metadata)
        case .refused, .failed: logger.error("\(message)", metadata: metadata)
        }
    }
}
