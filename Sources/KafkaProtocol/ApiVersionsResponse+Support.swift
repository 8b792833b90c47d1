import NIOCore

extension ApiVersionsResponse {
    /// The broker's normal ApiVersions answer listing `ranges`.
    public static func supported(_ ranges: [ApiVersionRange], throttleTimeMs: Int32 = 0) -> ApiVersionsResponse {
        ApiVersionsResponse(
            errorCode: KafkaErrorCode.none.rawValue,
            apiKeys: ranges.map {
                ApiVersion(apiKey: $0.apiKey.rawValue, minVersion: $0.minVersion, maxVersion: $0.maxVersion)
            },
            throttleTimeMs: throttleTimeMs
        )
    }

    /// Kafka's answer to an ApiVersions request at a version the broker doesn't implement:
    /// error 35 and only the ApiVersions range. Encode it at **version 0** (see ``unsupportedVersionFrame``)
    /// so that any client can parse it and fall back.
    public static func unsupportedVersion(
        apiVersionsRange: ApiVersionRange = SupportedApiVersions.apiVersions
    ) -> ApiVersionsResponse {
        ApiVersionsResponse(
            errorCode: KafkaErrorCode.unsupportedVersion.rawValue,
            apiKeys: [
                ApiVersion(
                    apiKey: ApiKey.apiVersions.rawValue, minVersion: apiVersionsRange.minVersion,
                    maxVersion: apiVersionsRange.maxVersion)
            ]
        )
    }

    /// The complete size-prefixed frame (response header v0 + v0 body) answering an unsupported
    /// ApiVersions version.
    public static func unsupportedVersionFrame(
        correlationId: Int32, apiVersionsRange: ApiVersionRange = SupportedApiVersions.apiVersions
    ) -> ByteBuffer {
        var buffer = ByteBuffer()
        KafkaFrame.response(
            unsupportedVersion(apiVersionsRange: apiVersionsRange), correlationId: correlationId, version: 0,
            into: &buffer)
        return buffer
    }
}
