import KafkaBroker
import KafkaController
import KafkaModel
import KafkaProtocol
import ZooKeeperModeController

/// The broker answers ControlledShutdown through the controller in its own process: the request
/// becomes a `ControlledShutdown` controller event whose reply completes the response.
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
}
