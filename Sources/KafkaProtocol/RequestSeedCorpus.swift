import NIOCore

/// Well-formed request bodies for every request this module has codecs for, at every version: the seeds a
/// request fuzzer mutates (`zkafka fuzz`). Each is the generated type's sample value (every field set) encoded
/// at that version.
public enum RequestSeedCorpus {
    public struct Seed: Sendable, Hashable {
        public var apiKey: ApiKey
        public var version: Int16
        /// The body, without the request header.
        public var body: [UInt8]
    }

    /// The seeds of the given API keys (all generated requests when nil), in API-key then version order.
    public static func seeds(apiKeys: Set<ApiKey>? = nil) -> [Seed] {
        var seeds: [Seed] = []
        for type in allGeneratedMessageTypes {
            guard let request = type as? any KafkaRequest.Type else { continue }
            let key = request.apiKey
            if let apiKeys, !apiKeys.contains(key) { continue }
            let sample = type.sampleForTesting()
            for version in type.validVersions {
                let body = sample.encoded(version: version)
                seeds.append(Seed(apiKey: key, version: version, body: Array(body.readableBytesView)))
            }
        }
        return seeds
    }
}
