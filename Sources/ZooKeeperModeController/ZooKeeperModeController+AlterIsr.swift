import KafkaController
import KafkaZooKeeperData
import KafkaModel

extension ZooKeeperModeController {
    /// Kafka 2.8's `processAlterIsr` (KIP-497): a leader's ISR changes, written by the controller instead of the
    /// leader. The core decides and writes (``ControllerFlows/alterIsr(brokerID:brokerEpoch:changes:cause:)``:
    /// one pipelined batch of epoch-fenced compare-and-set writes, the context updated, UpdateMetadata to every
    /// broker); this answers the request, then lets reassignments waiting for a replica to join the ISR complete
    /// (Kafka's `maybeCompleteReassignment` after the callback — with AlterIsr the leader no longer writes the
    /// state znode the reassignment's watch was set on; the controller's own write still fires it, and a
    /// completed reassignment ignores the second look).
    func processAlterIsr(
        _ brokerID: BrokerID, brokerEpoch: Int64, changes: [TopicPartition: LeaderAndISR], reply: AlterIsrReply
    ) throws {
        guard isActive else {
            reply(.failure(ControllerError(.notController, "broker \(configuration.brokerID) is not the controller")))
            return
        }
        let outcome: AlterIsrOutcome
        do {
            switch try flows.alterIsr(brokerID: brokerID, brokerEpoch: brokerEpoch, changes: changes) {
            case .failure(let error):
                reply(.failure(error))
                return
            case .success(let done):
                outcome = done
            }
        } catch let error as ControllerError where error.code == .controllerMoved {
            reply(.failure(ControllerError(.notController, error.message)))
            throw error
        } catch let error as ControllerMovedError {
            reply(.failure(ControllerError(.notController, error.detail)))
            throw error
        } catch {
            logger.error("Error when processing AlterIsr for partitions \(changes.keys.sorted().map(\.description)): \(error)")
            reply(.failure(ControllerError(.unknownServerError, "\(error)")))
            return
        }
        reply(.success(outcome.results))
        for partition in outcome.written.sorted() where context.partitionsBeingReassigned.contains(partition) {
            try core.onPartitionReassignmentISRChange(partition)
        }
    }
}
