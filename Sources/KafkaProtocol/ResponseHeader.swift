import NIOCore

/// The header in front of every response body (ResponseHeader v0–v1).
///
/// v0: correlation id. v1: + a tag section, used for flexible versions — except ApiVersions,
/// whose responses always use v0 (KIP-511) so that any client can parse the version list.
public struct ResponseHeader: Hashable, Sendable {
    public var correlationId: Int32

    public init(correlationId: Int32) {
        self.correlationId = correlationId
    }

    /// The response header version for `apiKey` at `apiVersion` (0 for APIs this module doesn't know).
    public static func headerVersion(apiKey: ApiKey, apiVersion: Int16) -> Int16 {
        apiKey.metadata?.responseHeaderVersion(apiVersion: apiVersion) ?? 0
    }

    public init(from buffer: inout ByteBuffer, headerVersion: Int16) throws(KafkaProtocolError) {
        correlationId = try buffer.readKafkaInt32(field: "ResponseHeader.correlationId")
        if headerVersion >= 1 {
            try buffer.skipKafkaTaggedFields(field: "ResponseHeader.taggedFields")
        }
    }

    public func encode(into buffer: inout ByteBuffer, headerVersion: Int16) {
        buffer.writeInteger(correlationId)
        if headerVersion >= 1 {
            buffer.writeKafkaEmptyTaggedFields()
        }
    }
}

/// Whole frames (INT32 size + header + body), for callers that want one buffer per message.
public enum KafkaFrame {
    /// Encodes a size-prefixed response frame with the right header version for the API.
    public static func response<R: KafkaResponse>(
        _ body: R, correlationId: Int32, version: Int16, into buffer: inout ByteBuffer
    ) {
        let sizeIndex = buffer.writerIndex
        buffer.writeInteger(Int32(0))
        let headerVersion = ResponseHeader.headerVersion(apiKey: R.apiKey, apiVersion: version)
        ResponseHeader(correlationId: correlationId).encode(into: &buffer, headerVersion: headerVersion)
        body.encode(into: &buffer, version: version)
        buffer.setInteger(Int32(buffer.writerIndex - sizeIndex - 4), at: sizeIndex)
    }

    /// Encodes a size-prefixed request frame (header version chosen from the API and version).
    public static func request<R: KafkaRequest>(
        _ body: R, correlationId: Int32, clientId: String?, version: Int16, into buffer: inout ByteBuffer
    ) {
        let sizeIndex = buffer.writerIndex
        buffer.writeInteger(Int32(0))
        RequestHeader(apiKey: R.apiKey, apiVersion: version, correlationId: correlationId, clientId: clientId)
            .encode(into: &buffer)
        body.encode(into: &buffer, version: version)
        buffer.setInteger(Int32(buffer.writerIndex - sizeIndex - 4), at: sizeIndex)
    }
}
