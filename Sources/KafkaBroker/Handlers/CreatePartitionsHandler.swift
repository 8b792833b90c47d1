import KafkaProtocol

extension BrokerApiTable {
    /// CreatePartitions (key 37), KRaft brokers only: forwarded as it is to the active controller, which
    /// places the new partitions and answers once its records are committed (Kafka 3.3 forwards it
    /// through `ForwardingManager`). ZooKeeper-mode brokers do not offer it (ZKafka's 2.8 broker never did).
    static func createPartitions(context: BrokerContext) -> BrokerApi {
        .typed(CreatePartitionsRequest.self, versions: 0...3) { request, header, _ in
            do {
                return try await context.topicAdministration.createPartitions(request, version: header.apiVersion)
            } catch {
                context.logger.error("Could not forward CreatePartitions to the controller: \(error)")
                return CreatePartitionsResponse(
                    throttleTimeMs: 0,
                    results: request.topics.map {
                        .init(name: $0.name, errorCode: KafkaErrorCode.unknownServerError.rawValue, errorMessage: "\(error)")
                    })
            }
        }
    }
}
