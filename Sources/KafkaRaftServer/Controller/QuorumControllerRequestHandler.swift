import KafkaMetadataRecords
import KafkaModel
import KafkaNetwork
import KafkaProtocol
import KafkaQuorumController
import KafkaRaftProtocol
import NIOCore

/// The controller listener's request handler (Kafka 3.3's `ControllerApis`): the controller APIs go to the
/// ``QuorumControllerNode`` (answered by the active controller once committed, NOT_CONTROLLER elsewhere), the
/// quorum APIs to ``RaftQuorumRequestHandler``. docs/kraft.md "The running quorum controller" is the contract.
public struct QuorumControllerRequestHandler: KafkaRequestHandler {
    let controller: QuorumControllerNode
    let quorum: RaftQuorumRequestHandler

    /// What ApiVersions advertises: exactly what this listener serves.
    public static let supportedVersions: [ApiVersionRange] = [
        .init(apiKey: FetchRequest.apiKey, minVersion: 12, maxVersion: 12),
        .init(apiKey: CreateTopicsRequest.apiKey, minVersion: 0, maxVersion: 7),
        .init(apiKey: DeleteTopicsRequest.apiKey, minVersion: 0, maxVersion: 6),
        .init(apiKey: ApiVersionsRequest.apiKey, minVersion: 0, maxVersion: 3),
        .init(apiKey: CreatePartitionsRequest.apiKey, minVersion: 0, maxVersion: 3),
        .init(apiKey: VoteRequest.apiKey, minVersion: 0, maxVersion: 0),
        .init(apiKey: BeginQuorumEpochRequest.apiKey, minVersion: 0, maxVersion: 0),
        .init(apiKey: EndQuorumEpochRequest.apiKey, minVersion: 0, maxVersion: 0),
        .init(apiKey: DescribeQuorumRequest.apiKey, minVersion: 0, maxVersion: 0),
        .init(apiKey: AlterPartitionRequest.apiKey, minVersion: 0, maxVersion: 2),
        .init(apiKey: FetchSnapshotRequest.apiKey, minVersion: 0, maxVersion: 0),
        .init(apiKey: BrokerRegistrationRequest.apiKey, minVersion: 0, maxVersion: 0),
        .init(apiKey: BrokerHeartbeatRequest.apiKey, minVersion: 0, maxVersion: 0),
        .init(apiKey: UnregisterBrokerRequest.apiKey, minVersion: 0, maxVersion: 0),
    ]

    public init(controller: QuorumControllerNode, quorum: RaftQuorumRequestHandler) {
        self.controller = controller
        self.quorum = quorum
    }

    public func handle(_ request: ByteBuffer, context: RequestContext) async -> ResponseAction {
        var body = request
        let header: RequestHeader
        do {
            header = try RequestHeader(from: &body)
        } catch {
            return .close(reason: "malformed request header: \(error)")
        }
        let version = header.apiVersion
        if let range = Self.supportedVersions.first(where: { $0.apiKey == header.apiKey }),
            !(range.minVersion...range.maxVersion).contains(version)
        {
            if header.apiKey == ApiVersionsRequest.apiKey {
                // KIP-511: a v0 body with UNSUPPORTED_VERSION and our range, so the client retries lower.
                var frame = ApiVersionsResponse.unsupportedVersionFrame(correlationId: header.correlationId, apiVersionsRange: range)
                frame.moveReaderIndex(forwardBy: 4)
                return .send(frame)
            }
            return .close(reason: "unsupported version \(version) of \(header.apiKey.name) on the controller listener")
        }
        do {
            switch header.apiKey {
            case ApiVersionsRequest.apiKey:
                return respond(ApiVersionsResponse.supported(Self.supportedVersions), header)
            case BrokerRegistrationRequest.apiKey:
                return respond(await registerBroker(try BrokerRegistrationRequest(from: &body, version: version)), header)
            case BrokerHeartbeatRequest.apiKey:
                return respond(await heartbeat(try BrokerHeartbeatRequest(from: &body, version: version)), header)
            case UnregisterBrokerRequest.apiKey:
                return respond(await unregister(try UnregisterBrokerRequest(from: &body, version: version)), header)
            case AlterPartitionRequest.apiKey:
                return respond(await alterPartition(try AlterPartitionRequest(from: &body, version: version), version: version), header)
            case CreateTopicsRequest.apiKey:
                return respond(await createTopics(try CreateTopicsRequest(from: &body, version: version)), header)
            case DeleteTopicsRequest.apiKey:
                return respond(await deleteTopics(try DeleteTopicsRequest(from: &body, version: version)), header)
            case CreatePartitionsRequest.apiKey:
                return respond(await createPartitions(try CreatePartitionsRequest(from: &body, version: version)), header)
            default:
                return await quorum.handle(request, context: context)
            }
        } catch {
            return .close(reason: "malformed \(header.apiKey.name) v\(version) request: \(error)")
        }
    }

    private func respond<Response: KafkaResponse>(_ response: Response, _ header: RequestHeader) -> ResponseAction {
        .send(RaftWireTransport.responseFrame(
            body: response.encoded(version: header.apiVersion), apiKey: header.apiKey, version: header.apiVersion,
            correlationID: header.correlationId))
    }

    /// Runs an operation on the active controller; nil means NOT_CONTROLLER.
    func run<Response: Sendable>(
        _ operation: @escaping @Sendable (inout QuorumController, Int64) -> (records: [MetadataRecord], response: Response)
    ) async -> Response? {
        await withCheckedContinuation { continuation in
            controller.submit(operation) { continuation.resume(returning: $0) }
        }
    }
}
