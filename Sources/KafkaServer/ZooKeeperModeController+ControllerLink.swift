import KafkaBroker
import KafkaController
import KafkaModel
import KafkaProtocol
import ZooKeeperModeController

/// The broker answers ControlledShutdown and AlterIsr through the controller in its own process: the request
/// becomes a `ControlledShutdown` / `AlterIsrReceived` controller event whose reply completes the response.
extension ZooKeeperModeController: ControllerLink {
    public func controlledShutdown(
        brokerID: BrokerID, brokerEpoch: Int64
    ) async -> Result<Set<TopicPartition>, ControlledShutdownRefusal> {
        guard isActive else {
            return .failure(ControlledShutdownRefusal(errorCode: KafkaErrorCode.notController.rawValue, message: "not the controller"))
        }
        let outcome: Result<Set<TopicPartition>, ControllerError> = await withCheckedContinuation { continuation in
            put(.controlledShutdown(brokerID: brokerID, brokerEpoch: brokerEpoch) { continuation.resume(returning: $0) })
        }
        return outcome.mapError { error in
            let code: KafkaErrorCode =
                switch error.code {
                case .notController, .controllerMoved: .notController
                case .staleBrokerEpoch: .staleBrokerEpoch
                case .brokerNotAvailable: .brokerNotAvailable
                default: .unknownServerError
                }
            return ControlledShutdownRefusal(errorCode: code.rawValue, message: error.message)
        }
    }

    public func alterIsr(
        brokerID: BrokerID, brokerEpoch: Int64, changes: [TopicPartition: LeaderAndISR]
    ) async -> Result<[TopicPartition: Result<LeaderAndISR, AlterIsrRefusal>], AlterIsrRefusal> {
        guard isActive else {
            return .failure(AlterIsrRefusal(errorCode: KafkaErrorCode.notController.rawValue, message: "not the controller"))
        }
        let outcome: Result<[TopicPartition: Result<LeaderAndISR, ControllerError>], ControllerError> =
            await withCheckedContinuation { continuation in
                put(.alterIsrReceived(brokerID: brokerID, brokerEpoch: brokerEpoch, changes: changes) { continuation.resume(returning: $0) })
            }
        return outcome.map { results in results.mapValues { $0.mapError(Self.alterIsrRefusal) } }.mapError(Self.alterIsrRefusal)
    }

    /// Kafka's `Errors` for the controller's AlterIsr failures.
    static func alterIsrRefusal(_ error: ControllerError) -> AlterIsrRefusal {
        let code: KafkaErrorCode =
            switch error.code {
            case .notController, .controllerMoved: .notController
            case .staleBrokerEpoch: .staleBrokerEpoch
            case .fencedLeaderEpoch: .fencedLeaderEpoch
            case .invalidUpdateVersion: .invalidUpdateVersion
            case .unknownTopicOrPartition: .unknownTopicOrPartition
            default: .unknownServerError
            }
        return AlterIsrRefusal(errorCode: code.rawValue, message: error.message)
    }
}
