import KafkaProtocol

extension BrokerApiTable {
    /// ApiVersions (key 18): the exact versions this broker implements (KIP-511 fallback for
    /// unsupported versions is handled in `KafkaApis`).
    static func apiVersions(advertised: @escaping @Sendable () -> [ApiVersionRange]) -> BrokerApi {
        .typed(ApiVersionsRequest.self, versions: 0...3) { _, _, _ in
            ApiVersionsResponse.supported(advertised())
        }
    }
}
