import KafkaController
import KafkaModel

/// Controller milestones in the study trace (`controller-trace.jsonl`): the election, the resignation and the
/// broker-set changes the active controller reacts to. The election and broker flows call these with one line
/// each; they run on the controller event thread.
extension ZooKeeperModeController {
    /// This broker won `/controller` and bumped `/controller_epoch` to `epoch` (znode version `epochZKVersion`).
    func traceElected(epoch: Int32, epochZKVersion: Int32) {
        traceSink.append(
            .milestone(
                ControllerMilestoneTraceRecord(
                    kind: .elected, brokerID: configuration.brokerID, controllerEpoch: epoch,
                    epochZKVersion: epochZKVersion)))
    }

    /// The failover that followed the election is done (`onControllerFailover` returned).
    func traceFailoverCompleted() {
        traceSink.append(
            .milestone(
                ControllerMilestoneTraceRecord(
                    kind: .failoverCompleted, brokerID: configuration.brokerID, controllerEpoch: context.epoch)))
        traceSink.flush()
    }

    /// This broker is giving up the controller role; recorded only when it held one (a context epoch is set).
    func traceResignation() {
        guard context.epoch > 0 else { return }
        traceSink.append(
            .milestone(
                ControllerMilestoneTraceRecord(
                    kind: .resigned, brokerID: configuration.brokerID, controllerEpoch: context.epoch)))
    }

    /// The active controller re-read `/brokers/ids`; recorded when something changed.
    func traceBrokerChange(new: Set<BrokerID>, dead: Set<BrokerID>, bounced: Set<BrokerID>, live: some Sequence<BrokerID>) {
        guard !new.isEmpty || !dead.isEmpty || !bounced.isEmpty else { return }
        traceSink.append(
            .milestone(
                ControllerMilestoneTraceRecord(
                    kind: .brokerChange, brokerID: configuration.brokerID, controllerEpoch: context.epoch,
                    newBrokers: new.sorted(), deadBrokers: dead.sorted(), bouncedBrokers: bounced.sorted(),
                    liveBrokers: live.sorted())))
    }
}
