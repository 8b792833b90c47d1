import KafkaProtocol
import NIOCore
import Testing

@testable import RequestFuzzer

@Suite(.tags(.unit)) struct FrameMutatorTests {
    let keys: Set<ApiKey> = [ApiKey(rawValue: 3), ApiKey(rawValue: 19), ApiKey(rawValue: 18)]

    @Test func sameSeed_sameFrames_otherSeed_otherFrames() {
        var first = FrameMutator(seed: 42, apiKeys: keys)
        var second = FrameMutator(seed: 42, apiKeys: keys)
        var third = FrameMutator(seed: 43, apiKeys: keys)
        let a = (0..<200).map { first.nextFrame(correlationID: Int32($0)).bytes }
        let b = (0..<200).map { second.nextFrame(correlationID: Int32($0)).bytes }
        let c = (0..<200).map { third.nextFrame(correlationID: Int32($0)).bytes }
        #expect(a == b)
        #expect(a != c)
    }

    @Test func everyFrame_sizePrefixMatches_andEveryMutationIsUsed() {
        var mutator = FrameMutator(seed: 7, apiKeys: keys)
        var seen: Set<FrameMutator.Mutation> = []
        for index in 0..<5_000 {
            let frame = mutator.nextFrame(correlationID: Int32(index))
            let size = frame.bytes.prefix(4).reduce(0) { ($0 << 8) | Int($1) }
            #expect(size == frame.bytes.count - 4)
            seen.insert(frame.mutation)
        }
        #expect(seen == Set(FrameMutator.Mutation.allCases))
    }

    @Test func onlyTheGivenApis_exceptUnknownKeyMutations() {
        var mutator = FrameMutator(seed: 9, apiKeys: keys)
        for index in 0..<2_000 {
            let frame = mutator.nextFrame(correlationID: Int32(index))
            if frame.mutation != .unknownApiKey && frame.mutation != .randomFrame { #expect(keys.contains(frame.apiKey)) }
        }
    }

    @Test func unmutatedFrames_decodeAsTheirRequest() throws {
        var mutator = FrameMutator(seed: 11, apiKeys: keys)
        var checked = 0
        for index in 0..<400 {
            let frame = mutator.nextFrame(correlationID: Int32(index))
            guard frame.mutation == .none else { continue }
            var buffer = ByteBuffer(bytes: frame.bytes.dropFirst(4))
            let header = try RequestHeader(from: &buffer)
            #expect(header.apiKey == frame.apiKey && header.correlationId == Int32(index))
            _ = try KafkaRequestBody.decode(apiKey: header.apiKey, version: header.apiVersion, from: &buffer)
            #expect(buffer.readableBytes == 0)
            checked += 1
        }
        #expect(checked > 10)
    }

    @Test func regressionCases_includeTheTwoBillionPartitionCreateTopics() throws {
        let wedge = try #require(FuzzRegressionCases.all.first { $0.name.contains("2147483647 partitions") })
        var buffer = ByteBuffer(bytes: wedge.body)
        let request = try CreateTopicsRequest(from: &buffer, version: wedge.version)
        #expect(request.topics.first?.numPartitions == Int32.max)
    }
}
