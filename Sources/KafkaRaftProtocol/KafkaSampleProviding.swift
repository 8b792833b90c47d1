/// Generated types provide a sample value with every field set (internal; used by the round-trip
/// tests). The same contract as KafkaProtocol's internal protocol of this name.
protocol KafkaSampleProviding {
    static func sampleForTesting() -> Self
}
