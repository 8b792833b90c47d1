import KafkaNetwork
import KafkaProtocol
import Logging
import NIOCore

/// Routes each request frame to its API (Kafka's `KafkaApis.handle`): decodes the header, refuses
/// unknown keys and unsupported versions the way Kafka does, and turns decoding failures into a
/// closed connection with a log line naming the client and the problem.
public final class KafkaApis: KafkaRequestHandler {
    private let apis: [ApiKey: BrokerApi]
    let logger: Logger

    init(apis: [BrokerApi], logger: Logger) {
        self.apis = Dictionary(apis.map { ($0.apiKey, $0) }, uniquingKeysWith: { first, _ in first })
        self.logger = logger
    }

    /// The ranges advertised to clients in ApiVersions.
    var advertisedRanges: [ApiVersionRange] {
        apis.values.filter { $0.audience == .clients }.map(\.range).sorted { $0.apiKey < $1.apiKey }
    }

    public func handle(_ request: ByteBuffer, context: RequestContext) async -> ResponseAction {
        var buffer = request
        let header: RequestHeader
        do {
            header = try RequestHeader(from: &buffer)
        } catch {
            return .close(reason: "malformed request header: \(error)")
        }
        guard let api = apis[header.apiKey] else {
            // Kafka closes the connection on an API it does not know (there is no error to send
            // for it: the response layout is unknown).
            return .close(reason: "unsupported API key \(header.apiKey.rawValue) (\(header.apiKey.name)) v\(header.apiVersion)")
        }
        guard api.versions.contains(header.apiVersion) else {
            if header.apiKey == .apiVersions {
                // KIP-511: answer with a v0 body, error 35 and our ApiVersions range, so the
                // client retries with a version we support.
                var frame = ApiVersionsResponse.unsupportedVersionFrame(
                    correlationId: header.correlationId, apiVersionsRange: api.range)
                frame.moveReaderIndex(forwardBy: 4)
                return .send(frame)
            }
            return .close(reason: "unsupported version \(header.apiVersion) of \(header.apiKey.name) (supported: \(api.versions))")
        }
        do {
            return try await api.handle(header, &buffer, context)
        } catch let error as KafkaProtocolError {
            return .close(reason: "malformed \(header.apiKey.name) v\(header.apiVersion) request: \(error)")
        } catch {
            logger.error(
                "Error handling \(header.apiKey.name) v\(header.apiVersion) from \(context.clientAddress): \(error)")
            return .close(reason: "internal error handling \(header.apiKey.name): \(error)")
        }
    }
}
