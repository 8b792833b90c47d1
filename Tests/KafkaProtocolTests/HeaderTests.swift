import NIOCore
import Testing

@testable import KafkaProtocol

@Suite(.tags(.unit)) struct HeaderTests {
    @Test func apiVersions_request_v3_librdkafkaWorkedExample() throws {
        // wire-protocol.md §1.8 (librdkafka 2.0.2 ApiVersions v3, frame without the size).
        var frame = buffer(hex: "0012 0003 00000001 0007 72646b61666b61 00 0b 6c696272646b61666b61 06 322e302e32 00")
        let header = try RequestHeader(from: &frame)
        #expect(header.apiKey == .apiVersions)
        #expect(header.apiVersion == 3)
        #expect(header.correlationId == 1)
        #expect(header.clientId == "rdkafka")
        #expect(header.headerVersion == 2)
        let body = try ApiVersionsRequest.decode(frame, version: 3)
        #expect(body.clientSoftwareName == "librdkafka")
        #expect(body.clientSoftwareVersion == "2.0.2")
        var out = ByteBuffer()
        KafkaFrame.request(body, correlationId: 1, clientId: "rdkafka", version: 3, into: &out)
        #expect(hexString(out) == compact("00000024 0012 0003 00000001 0007 72646b61666b61 00 0b 6c696272646b61666b61 06 322e302e32 00"))
    }

    @Test func apiVersions_response_v3_usesHeaderV0() {
        let response = ApiVersionsResponse.supported([
            ApiVersionRange(apiKey: .produce, minVersion: 0, maxVersion: 7),
            ApiVersionRange(apiKey: .fetch, minVersion: 0, maxVersion: 11),
            ApiVersionRange(apiKey: .apiVersions, minVersion: 0, maxVersion: 3),
        ])
        var out = ByteBuffer()
        KafkaFrame.response(response, correlationId: 1, version: 3, into: &out)
        #expect(hexString(out) == compact("00000021 00000001 0000 04 0000 0000 0007 00 0001 0000 000b 00 0012 0000 0003 00 00000000 00"))
    }

    @Test func apiVersions_unsupportedVersion_v0LayoutWithError35() {
        let frame = ApiVersionsResponse.unsupportedVersionFrame(correlationId: 1)
        #expect(hexString(frame) == compact("00000010 00000001 0023 00000001 0012 0000 0003"))
    }

    @Test func requestHeader_v2_nullClientIdStillReadsTagBuffer() throws {
        // Metadata v9 (flexible): header v2, null client id, empty tag section, then the body.
        var frame = buffer(hex: "0003 0009 0000002a ffff 00  01 00 00 00 00")
        let header = try RequestHeader(from: &frame)
        #expect(header.clientId == nil)
        #expect(header.headerVersion == 2)
        let body = try MetadataRequest.decode(frame, version: 9)
        #expect(body.topics == [])
        #expect(body.allowAutoTopicCreation == false)
    }

    @Test func controlledShutdown_v0_usesRequestHeaderV0() throws {
        var frame = buffer(hex: "0007 0000 00000005 00000003")
        let header = try RequestHeader(from: &frame)
        #expect(header.headerVersion == 0)
        #expect(header.clientId == nil)
        let body = try ControlledShutdownRequest.decode(frame, version: 0)
        #expect(body.brokerId == 3)
    }

    @Test func kafkaPython_apiVersions_v0_probe() throws {
        var frame = buffer(hex: "0012 0000 00000001 0012 6b61666b612d707974686f6e2d322e302e32")
        let header = try RequestHeader(from: &frame)
        #expect(header.clientId == "kafka-python-2.0.2")
        _ = try ApiVersionsRequest.decode(frame, version: 0)
    }
}
