import KafkaProtocol
import NIOCore

/// Response frames as the network layer wants them: response header + body, without the INT32
/// size prefix (the layer adds it).
enum ResponseFrame {
    static func make<R: KafkaResponse>(_ body: R, correlationID: Int32, version: Int16) -> ByteBuffer {
        var buffer = ByteBuffer()
        let headerVersion = ResponseHeader.headerVersion(apiKey: R.apiKey, apiVersion: version)
        ResponseHeader(correlationId: correlationID).encode(into: &buffer, headerVersion: headerVersion)
        body.encode(into: &buffer, version: version)
        return buffer
    }
}
