import NIOCore
import SeededRandom
import Testing

@testable import KafkaProtocol

/// Truncated, oversized and random input must make decoders throw, never trap.
@Suite(.tags(.unit)) struct RobustnessTests {
    @Test func everyDecoder_truncatedInput_throws() throws {
        var truncationsChecked = 0
        for type in allGeneratedMessageTypes {
            for version in type.validVersions {
                truncationsChecked += checkTruncations(type, version: version)
            }
        }
        #expect(truncationsChecked > 1000)
    }

    private func checkTruncations<M: KafkaMessage & KafkaSampleProviding>(_: M.Type, version: Int16) -> Int {
        let full = M.sampleForTesting().encoded(version: version)
        var checked = 0
        for length in 0..<full.readableBytes {
            var prefix = full.getSlice(at: full.readerIndex, length: length)!
            do {
                _ = try M(from: &prefix, version: version)
                // A prefix may legitimately decode only if the message ends in optional data — never here,
                // because every sample ends with a fixed field or tag section.
                Issue.record("\(M.self) v\(version): decoding a \(length)-byte prefix succeeded")
            } catch {
                checked += 1
            }
        }
        return checked
    }

    @Test func everyDecoder_randomBytes_neverTraps() {
        var rng = SplitMix64(seed: 0x5EED)
        var outcomes = (ok: 0, failed: 0)
        for type in allGeneratedMessageTypes {
            for version in type.validVersions {
                for _ in 0..<40 {
                    let length = Int.random(in: 0..<64, using: &rng)
                    var buffer = ByteBuffer(bytes: (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) })
                    if decodeSucceeds(type, version: version, buffer: &buffer) { outcomes.ok += 1 } else { outcomes.failed += 1 }
                }
            }
        }
        #expect(outcomes.failed > 0)
    }

    @Test func everyDecoder_mutatedValidBytes_neverTraps() {
        var rng = SplitMix64(seed: 42)
        for type in allGeneratedMessageTypes {
            for version in type.validVersions {
                mutate(type, version: version, rng: &rng)
            }
        }
    }

    private func mutate<M: KafkaMessage & KafkaSampleProviding>(_: M.Type, version: Int16, rng: inout SplitMix64) {
        let full = Array(M.sampleForTesting().encoded(version: version).readableBytesView)
        guard !full.isEmpty else { return }
        for _ in 0..<30 {
            var bytes = full
            for _ in 0..<3 {
                let index = Int.random(in: 0..<bytes.count, using: &rng)
                bytes[index] = [0xFF, 0x7F, 0x80, 0x00, UInt8.random(in: 0...255, using: &rng)].randomElement(using: &rng)!
            }
            var buffer = ByteBuffer(bytes: bytes)
            _ = try? M(from: &buffer, version: version)
        }
    }

    private func decodeSucceeds<M: KafkaMessage>(_: M.Type, version: Int16, buffer: inout ByteBuffer) -> Bool {
        do {
            _ = try M(from: &buffer, version: version)
            return true
        } catch {
            return false
        }
    }

    @Test func oversizedLengths_throwLengthTooLarge_withoutAllocating() {
        // Topics count 0x7fffffff with 3 bytes left.
        var b1 = buffer(hex: "7fffffff 000000")
        #expect(throws: KafkaProtocolError(.lengthTooLarge(0x7fff_ffff, remaining: 3), field: "MetadataRequest.topics")) {
            _ = try MetadataRequest(from: &b1, version: 1)
        }
        // String length −2 is invalid.
        var b2 = buffer(hex: "00000001 fffe")
        #expect(throws: KafkaProtocolError(.negativeLength(-2), field: "MetadataRequest.MetadataRequestTopic.name")) {
            _ = try MetadataRequest(from: &b2, version: 1)
        }
        // A compact length whose varint never ends.
        var b3 = buffer(hex: "ffffffffffff")
        #expect(throws: KafkaProtocolError(.invalidVarint, field: "ApiVersionsRequest.clientSoftwareName")) {
            _ = try ApiVersionsRequest(from: &b3, version: 3)
        }
        // Headers too.
        var b4 = buffer(hex: "0003 00")
        #expect(throws: KafkaProtocolError.self) { _ = try RequestHeader(from: &b4) }
    }

    @Test func errorDescriptions_nameTheField() {
        let error = KafkaProtocolError(.truncated(needed: 2, remaining: 1), field: "ProduceRequest.acks")
        #expect(error.description == "truncated data reading ProduceRequest.acks: needed 2 bytes, 1 remaining")
        #expect(KafkaProtocolError(.unsupportedCompression(codec: 2), field: "x").errorCode == .unsupportedCompressionType)
    }
}
