import KafkaProtocol

extension BrokerApiTable {
    /// ControlledShutdown (key 7), sent by a broker that is stopping to the active controller
    /// (Kafka's `handleControlledShutdownRequest`): answered with the partitions it still leads.
    static func controlledShutdown(
        context: BrokerContext, controller: @escaping @Sendable () -> (any ControllerLink)?
    ) -> BrokerApi {
        .typed(ControlledShutdownRequest.self, versions: 0...3, audience: .controller) { request, _, _ in
            guard let controller = controller() else {
                return ControlledShutdownResponse(errorCode: KafkaErrorCode.notController.rawValue)
            }
            switch await controller.controlledShutdown(brokerID: request.brokerId, brokerEpoch: request.brokerEpoch) {
            case .success(let remaining):
                return ControlledShutdownResponse(
                    errorCode: KafkaErrorCode.none.rawValue,
                    remainingPartitions: remaining.sorted().map { .init(topicName: $0.topic, partitionIndex: $0.partition) })
            case .failure(let refusal):
                context.logger.info("Controlled shutdown of broker \(request.brokerId) refused: \(refusal.message)")
                return ControlledShutdownResponse(errorCode: refusal.errorCode)
            }
        }
    }
}
