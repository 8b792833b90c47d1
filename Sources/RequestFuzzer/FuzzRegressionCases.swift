import KafkaProtocol

/// Frames that once hurt a broker, sent before the random ones in every fuzz run so that they stay fixed.
public enum FuzzRegressionCases {
    public struct Case: Sendable {
        public var name: String
        public var apiKey: ApiKey
        public var version: Int16
        public var body: [UInt8]
    }

    public static let all: [Case] = {
        var cases: [Case] = []
        func createTopics(_ name: String, partitions: Int32, replicationFactor: Int16, version: Int16) -> Case {
            let request = CreateTopicsRequest(
                topics: [.init(name: name, numPartitions: partitions, replicationFactor: replicationFactor)], timeoutMs: 1_000)
            return Case(
                name: "CreateTopics v\(version): \(partitions) partitions, replication factor \(replicationFactor)",
                apiKey: CreateTopicsRequest.apiKey, version: version,
                body: Array(request.encoded(version: version).readableBytesView))
        }
        // A mutated frame found this: both cooperative threads placed replicas for two billion partitions, the broker
        // stopped answering even ApiVersions and the controller stalled behind it.
        for version: Int16 in [1, 4] {
            cases.append(createTopics("fuzz-regression-two-billion", partitions: Int32.max, replicationFactor: 1, version: version))
            cases.append(createTopics("fuzz-regression-two-billion-rf3", partitions: Int32.max, replicationFactor: 3, version: version))
        }
        cases.append(createTopics("fuzz-regression-replicas", partitions: 1, replicationFactor: Int16.max, version: 4))
        cases.append(createTopics("fuzz-regression-negative", partitions: Int32.min, replicationFactor: Int16.min, version: 4))
        // An explicit assignment naming a partition two billion: not a consecutive sequence, refused before writing.
        let sparse = CreateTopicsRequest(
            topics: [.init(name: "fuzz-regression-sparse", numPartitions: -1, replicationFactor: -1,
                           assignments: [.init(partitionIndex: Int32.max, brokerIds: [1])])], timeoutMs: 1_000)
        cases.append(Case(
            name: "CreateTopics v4: explicit assignment of partition 2147483647", apiKey: CreateTopicsRequest.apiKey, version: 4,
            body: Array(sparse.encoded(version: 4).readableBytesView)))
        return cases
    }()
}
