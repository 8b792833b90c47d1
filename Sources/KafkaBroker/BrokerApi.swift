import KafkaNetwork
import KafkaProtocol
import NIOCore

/// One API the broker implements: its key, the versions it handles, and the handler. The
/// ApiVersions answer is derived from the table of these, so it states exactly what is implemented.
struct BrokerApi: Sendable {
    /// Who may see the API in ApiVersions: clients, or only the controller (inter-broker APIs are
    /// not advertised to clients, as Java brokers do not).
    enum Audience: Sendable { case clients, controller }

    let apiKey: ApiKey
    let versions: ClosedRange<Int16>
    let audience: Audience
    let handle: @Sendable (RequestHeader, inout ByteBuffer, RequestContext) async throws -> ResponseAction

    var range: ApiVersionRange {
        ApiVersionRange(apiKey: apiKey, minVersion: versions.lowerBound, maxVersion: versions.upperBound)
    }

    /// An API whose request decodes into `Request` and whose handler returns a `Request.Response`.
    static func typed<Request: KafkaRequest>(
        _ type: Request.Type, versions: ClosedRange<Int16>, audience: Audience = .clients,
        _ body: @escaping @Sendable (Request, RequestHeader, RequestContext) async throws -> Request.Response
    ) -> BrokerApi {
        BrokerApi(apiKey: Request.apiKey, versions: versions, audience: audience) { header, buffer, context in
            let request = try Request(from: &buffer, version: header.apiVersion)
            let response = try await body(request, header, context)
            return .send(ResponseFrame.make(response, correlationID: header.correlationId, version: header.apiVersion))
        }
    }
}
