import KafkaNetwork
import KafkaProtocol
import KafkaRaft
import KafkaRaftProtocol
import NIOCore

/// The controller listener's `KafkaRequestHandler` (Kafka 3.3's `ControllerApis`, quorum part):
/// Vote, BeginQuorumEpoch, EndQuorumEpoch, Fetch and FetchSnapshot go to the node's core;
/// DescribeQuorum (API 55, v0) is answered from the core's view.
public struct RaftQuorumRequestHandler: KafkaRequestHandler {
    let node: RaftQuorumNode

    public init(node: RaftQuorumNode) { self.node = node }

    public func handle(_ request: ByteBuffer, context: RequestContext) async -> ResponseAction {
        var body = request
        let header: RequestHeader
        do {
            header = try RequestHeader(from: &body)
        } catch {
            return .close(reason: "malformed request header: \(error)")
        }
        if header.apiKey == DescribeQuorumRequest.apiKey {
            let response = await withCheckedContinuation { continuation in
                node.describeQuorum { continuation.resume(returning: $0) }
            }
            return .send(RaftWireTransport.responseFrame(
                body: response.encoded(version: 0), apiKey: header.apiKey, version: 0, correlationID: header.correlationId))
        }
        let message: RaftMessage
        do {
            message = try RaftWireCodec.decode(apiKey: header.apiKey, isResponse: false, version: header.apiVersion, from: body)
        } catch {
            return .close(reason: "API \(header.apiKey.rawValue) v\(header.apiVersion) is not a quorum request this controller serves: \(error)")
        }
        guard let source = RaftWireTransport.source(of: message) else {
            return .close(reason: "a quorum request without a sender id")
        }
        let reply = await withCheckedContinuation { continuation in
            node.handleRequest(message, from: source) { continuation.resume(returning: $0) }
        }
        guard let reply else { return .close(reason: "the Raft core did not answer") }
        return .send(RaftWireTransport.responseFrame(
            body: RaftWireCodec.encode(reply), apiKey: header.apiKey, version: header.apiVersion,
            correlationID: header.correlationId))
    }
}
