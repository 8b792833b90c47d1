import KafkaProtocol
import NIOCore

/// Builds request frames for the fuzzer: a seed request (a well-formed body of an advertised API at one of its
/// versions) behind a request header, then mutated the ways hostile or broken clients mutate frames. Pure and
/// seeded: the same seed gives the same frames.
public struct FrameMutator: Sendable {
    /// How a frame was made, for the report and for reproducing a failure.
    public enum Mutation: String, Sendable, CaseIterable {
        case none, bitFlips, interestingByte, interestingInt16, interestingInt32, truncate, extend, duplicateChunk
        case removeChunk, versionOutOfRange, unknownApiKey, randomBody, randomFrame
    }

    public struct Frame: Sendable {
        public var apiKey: ApiKey
        public var version: Int16
        public var mutation: Mutation
        /// The frame as sent: INT32 size, header, body.
        public var bytes: [UInt8]
    }

    private var random: FuzzRandom
    private let seeds: [RequestSeedCorpus.Seed]

    /// - Parameter apiKeys: the APIs to fuzz (those the broker advertises); control-plane APIs are left out by the
    ///   caller, since a well-formed LeaderAndIsr from anyone is obeyed by design (Kafka too, without an authorizer).
    public init(seed: UInt64, apiKeys: Set<ApiKey>) {
        random = FuzzRandom(seed: seed)
        seeds = RequestSeedCorpus.seeds(apiKeys: apiKeys)
        precondition(!seeds.isEmpty, "no request seeds for API keys \(apiKeys.map(\.rawValue).sorted())")
    }

    public mutating func nextFrame(correlationID: Int32) -> Frame {
        let seed = seeds[Int.random(in: 0..<seeds.count, using: &random)]
        // One frame in eight goes out unmutated: well-formed requests with the seed's odd values are cases too.
        let mutation: Mutation =
            Int.random(in: 0..<8, using: &random) == 0 ? .none : Mutation.allCases.dropFirst().randomElement(using: &random)!
        var apiKey = seed.apiKey
        var version = seed.version
        var body = seed.body
        switch mutation {
        case .none: break
        case .bitFlips:
            for _ in 0..<Int.random(in: 1...4, using: &random) where !body.isEmpty {
                body[Int.random(in: 0..<body.count, using: &random)] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
            }
        case .interestingByte:
            if !body.isEmpty {
                body[Int.random(in: 0..<body.count, using: &random)] = [0x00, 0x01, 0x7F, 0x80, 0xFF].randomElement(using: &random)!
            }
        case .interestingInt16:
            overwrite(&body, with: [Int16.max, Int16.min, -1, 0, 1, 0x7F, 0x80].randomElement(using: &random)!)
        case .interestingInt32:
            // Counts, lengths, partition counts and timeouts live in INT32 fields: 2³¹ − 1 once wedged a broker.
            overwrite(&body, with: [Int32.max, Int32.min, -1, 0, 1, 0x7FFF, 0x10000, 1_000_000].randomElement(using: &random)!)
        case .truncate:
            if !body.isEmpty { body.removeLast(Int.random(in: 1...body.count, using: &random)) }
        case .extend:
            body += (0..<Int.random(in: 1...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        case .duplicateChunk:
            if !body.isEmpty {
                let start = Int.random(in: 0..<body.count, using: &random)
                let end = min(body.count, start + Int.random(in: 1...32, using: &random))
                body.insert(contentsOf: body[start..<end], at: Int.random(in: 0...body.count, using: &random))
            }
        case .removeChunk:
            if !body.isEmpty {
                let start = Int.random(in: 0..<body.count, using: &random)
                body.removeSubrange(start..<min(body.count, start + Int.random(in: 1...16, using: &random)))
            }
        case .versionOutOfRange:
            version = [Int16(-1), Int16.max, seed.version + 1, seed.version + 20].randomElement(using: &random)!
        case .unknownApiKey:
            apiKey = ApiKey(rawValue: [Int16(-1), Int16(999), Int16.max].randomElement(using: &random)!)
        case .randomBody:
            body = (0..<Int.random(in: 0...256, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        case .randomFrame:
            // Not even a header: the size prefix is right, nothing after it is.
            let bytes = (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            return Frame(apiKey: apiKey, version: version, mutation: mutation, bytes: Self.sizePrefixed(bytes))
        }
        return Frame(
            apiKey: apiKey, version: version, mutation: mutation,
            bytes: Self.frame(apiKey: apiKey, version: version, correlationID: correlationID, body: body))
    }

    /// `size, header, body` for a request of `apiKey` at `version` with client id "zkafka-fuzz".
    public static func frame(apiKey: ApiKey, version: Int16, correlationID: Int32, body: [UInt8]) -> [UInt8] {
        var buffer = ByteBuffer()
        RequestHeader(apiKey: apiKey, apiVersion: version, correlationId: correlationID, clientId: "zkafka-fuzz").encode(into: &buffer)
        buffer.writeBytes(body)
        return sizePrefixed(Array(buffer.readableBytesView))
    }

    static func sizePrefixed(_ bytes: [UInt8]) -> [UInt8] {
        let size = UInt32(bytes.count)
        return [UInt8(size >> 24), UInt8(truncatingIfNeeded: size >> 16), UInt8(truncatingIfNeeded: size >> 8), UInt8(truncatingIfNeeded: size)]
            + bytes
    }

    private mutating func overwrite<Value: FixedWidthInteger>(_ body: inout [UInt8], with value: Value) {
        let width = MemoryLayout<Value>.size
        guard body.count >= width else { return }
        let at = Int.random(in: 0...(body.count - width), using: &random)
        for index in 0..<width { body[at + index] = UInt8(truncatingIfNeeded: value >> ((width - 1 - index) * 8)) }
    }
}
