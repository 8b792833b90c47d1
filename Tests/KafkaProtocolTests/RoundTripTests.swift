import NIOCore
import Testing

@testable import KafkaProtocol

/// decode(encode(x)) == x for every generated message at every version, with every field set.
@Suite(.tags(.unit)) struct RoundTripTests {
    static let cases: [(String, Int16)] = allGeneratedMessageTypes.flatMap { type in
        type.validVersions.map { ("\(type)", $0) }
    }

    @Test func everyMessage_everyVersion_roundTrips() throws {
        var checked = 0
        for type in allGeneratedMessageTypes {
            for version in type.validVersions {
                try roundTrip(type, version: version)
                checked += 1
            }
        }
        #expect(checked == Self.cases.count)
        #expect(checked > 250)
    }

    private func roundTrip<M: KafkaMessage & KafkaSampleProviding>(_: M.Type, version: Int16) throws {
        let sample = M.sampleForTesting()
        let first = sample.encoded(version: version)
        let decoded = try M.decode(first, version: version)
        let second = decoded.encoded(version: version)
        #expect(first == second, "\(M.self) v\(version): re-encoding changed the bytes")
        let again = try M.decode(second, version: version)
        #expect(again == decoded, "\(M.self) v\(version): decode(encode(x)) != x")
    }

    @Test func flexibleVersions_encodeCompactForms() throws {
        // Metadata v9 is flexible: compact array count (N+1) and tag buffers.
        let request = MetadataRequest(topics: [.init(name: "t")], allowAutoTopicCreation: true)
        #expect(hexString(request.encoded(version: 9)) == compact("02 02 74 00 01 00 00 00"))
        #expect(hexString(request.encoded(version: 1)) == compact("00000001 0001 74"))
        #expect(hexString(MetadataRequest(topics: nil).encoded(version: 1)) == "ffffffff")
        // v0 has no null array: nil is written as empty ("all topics" in v0).
        #expect(hexString(MetadataRequest(topics: nil).encoded(version: 0)) == "00000000")
    }

    @Test func taggedFields_writtenOnlyWhenNonDefault_andUnknownTagsSkipped() throws {
        var response = ApiVersionsResponse.supported([SupportedApiVersions.apiVersions])
        let plain = response.encoded(version: 3)
        #expect(hexString(plain).hasSuffix("0000000000"))  // throttle 0 + empty tags
        response.finalizedFeaturesEpoch = 7
        let tagged = response.encoded(version: 3)
        #expect(hexString(tagged).hasSuffix(compact("00000000 01 01 08 0000000000000007")))
        #expect(try ApiVersionsResponse.decode(tagged, version: 3).finalizedFeaturesEpoch == 7)

        // An unknown tag (9, 3 bytes) in a request body is skipped.
        let body = buffer(hex: "0b 6c696272646b61666b61 06 322e302e32 01 09 03 aabbcc")
        let decoded = try ApiVersionsRequest.decode(body, version: 3)
        #expect(decoded.clientSoftwareName == "librdkafka")
    }

    @Test func requestBody_dispatchByApiKey() throws {
        let request = ProduceRequest(acks: -1, timeoutMs: 30_000, topicData: [])
        var bytes = request.encoded(version: 7)
        let body = try KafkaRequestBody.decode(apiKey: .produce, version: 7, from: &bytes)
        #expect(body == .produce(request))
        #expect(body.apiKey == .produce)
        var empty = ByteBuffer()
        #expect(throws: KafkaProtocolError.self) {
            _ = try KafkaRequestBody.decode(apiKey: ApiKey(rawValue: 999), version: 0, from: &empty)
        }
        #expect(throws: KafkaProtocolError.self) {
            _ = try KafkaRequestBody.decode(apiKey: .produce, version: 42, from: &empty)
        }
    }

    @Test func apiMetadata_coversEveryGeneratedApi() {
        // One entry per generated request (the catalog lists request and response of each API, then
        // the two consumer-protocol data messages).
        #expect(KafkaApiMetadata.all.count == (allGeneratedMessageTypes.count - 2) / 2)
        #expect(KafkaApiMetadata.all.count >= 25)
        #expect(ApiKey.fetch.metadata?.firstFlexibleVersion == 12)
        #expect(ApiKey.apiVersions.metadata?.responseHeaderVersion(apiVersion: 3) == 0)
        #expect(ApiKey.metadata.metadata?.responseHeaderVersion(apiVersion: 9) == 1)
        for range in SupportedApiVersions.client + SupportedApiVersions.interBroker + SupportedApiVersions.idempotence {
            let meta = range.apiKey.metadata
            #expect(meta != nil)
            #expect(meta!.validVersions.contains(range.minVersion) && meta!.validVersions.contains(range.maxVersion))
        }
    }
}
