import KafkaController
import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol

/// Builds the PartitionChangeRecord for one partition (Kafka 3.3's `PartitionChangeBuilder`), choosing
/// leaders with the rules ZooKeeper mode uses (``PartitionLeaderElection``), so both modes elect alike:
///
/// - the current leader stays if it is still electable and in the target ISR;
/// - otherwise the first replica, in assignment order, that is electable and in the target ISR (ZooKeeper
///   mode's offline election, or controlled-shutdown election when `shuttingDown` is non-empty);
/// - if none and the topic allows unclean election, the first electable replica, with ISR = [leader];
/// - if none at all, leader -1 and the ISR keeps its last member (as ZooKeeper mode keeps the last ISR
///   member of an offline partition), so that replica can lead again when it comes back.
///
/// - in controlled shutdown, a shutting-down leader with no other ISR replica keeps leading.
///
/// Returns nil when nothing changes.
public enum PartitionChangeBuilder {
    /// PartitionChangeRecord's `Leader` value meaning "unchanged".
    public static let noLeaderChange: BrokerID = -2

    public static func build(
        topicID: KafkaUUID, partitionID: Int32, current: PartitionRegistration, targetISR: [BrokerID],
        electable: Set<BrokerID>, shuttingDown: Set<BrokerID> = [], uncleanLeaderElectionEnabled: Bool
    ) -> PartitionChangeRecord? {
        var isr = targetISR
        var leader = current.leader
        let leaderStays = electable.contains(leader) && !shuttingDown.contains(leader) && isr.contains(leader)
        if !leaderStays {
            let clean: BrokerID?
            if shuttingDown.isEmpty {
                clean = PartitionLeaderElection.offlinePartitionLeaderElection(
                    assignment: current.replicas, isr: isr, liveReplicas: electable, uncleanLeaderElectionEnabled: false)
            } else {
                clean = PartitionLeaderElection.controlledShutdownPartitionLeaderElection(
                    assignment: current.replicas, isr: isr, liveReplicas: electable, shuttingDownBrokers: shuttingDown)
            }
            if let clean {
                leader = clean
            } else if !shuttingDown.isEmpty && shuttingDown.contains(current.leader) {
                // Like ZooKeeper mode's controlled shutdown: with no other ISR replica the shutting-down
                // leader keeps leading (the broker keeps asking until its shutdown times out).
                leader = current.leader
                isr = current.isr
            } else if uncleanLeaderElectionEnabled,
                let unclean = PartitionLeaderElection.offlinePartitionLeaderElection(
                    assignment: current.replicas, isr: [], liveReplicas: electable.subtracting(shuttingDown),
                    uncleanLeaderElectionEnabled: true)
            {
                leader = unclean
                isr = [unclean]
            } else {
                leader = LeaderAndISR.noLeader
            }
        }
        if isr.isEmpty {
            // Never shrink the ISR to nothing: keep the last member.
            isr = Array(current.isr.suffix(1))
        }
        var record = PartitionChangeRecord(partitionId: partitionID, topicId: topicID)
        var changed = false
        if leader != current.leader {
            record.leader = leader
            changed = true
        }
        if isr != current.isr {
            record.isr = isr
            changed = true
        }
        return changed ? record : nil
    }
}
