import NIOCore

/// The header in front of every request body (RequestHeader v0–v2).
///
/// v0: key, version, correlation id. v1: + ClientId (NULLABLE_STRING with an INT16 length).
/// v2: + a tag section. ClientId keeps its INT16 length even in v2.
public struct RequestHeader: Hashable, Sendable {
    public var apiKey: ApiKey
    public var apiVersion: Int16
    public var correlationId: Int32
    public var clientId: String?

    public init(apiKey: ApiKey, apiVersion: Int16, correlationId: Int32, clientId: String? = nil) {
        self.apiKey = apiKey
        self.apiVersion = apiVersion
        self.correlationId = correlationId
        self.clientId = clientId
    }

    /// The header version for a request of `apiKey` at `apiVersion` (1 for APIs this module doesn't know).
    public static func headerVersion(apiKey: ApiKey, apiVersion: Int16) -> Int16 {
        apiKey.metadata?.requestHeaderVersion(apiVersion: apiVersion) ?? 1
    }

    public var headerVersion: Int16 { Self.headerVersion(apiKey: apiKey, apiVersion: apiVersion) }

    /// Decodes a header from the start of a request frame (without the INT32 size), choosing
    /// the header version from the key and version it reads. Unknown tags are skipped.
    public init(from buffer: inout ByteBuffer) throws(KafkaProtocolError) {
        let key = ApiKey(rawValue: try buffer.readKafkaInt16(field: "RequestHeader.requestApiKey"))
        let version = try buffer.readKafkaInt16(field: "RequestHeader.requestApiVersion")
        let correlationId = try buffer.readKafkaInt32(field: "RequestHeader.correlationId")
        self.init(apiKey: key, apiVersion: version, correlationId: correlationId)
        let headerVersion = self.headerVersion
        if headerVersion >= 1 {
            clientId = try buffer.readKafkaNullableString(compact: false, field: "RequestHeader.clientId")
        }
        if headerVersion >= 2 {
            try buffer.skipKafkaTaggedFields(field: "RequestHeader.taggedFields")
        }
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(apiKey.rawValue)
        buffer.writeInteger(apiVersion)
        buffer.writeInteger(correlationId)
        let headerVersion = self.headerVersion
        if headerVersion >= 1 {
            buffer.writeKafkaNullableString(clientId, compact: false)
        }
        if headerVersion >= 2 {
            buffer.writeKafkaEmptyTaggedFields()
        }
    }
}
