/// One entry of an ApiVersions response: an API and the versions a broker implements.
public struct ApiVersionRange: Hashable, Sendable {
    public var apiKey: ApiKey
    public var minVersion: Int16
    public var maxVersion: Int16

    public init(apiKey: ApiKey, minVersion: Int16, maxVersion: Int16) {
        precondition(minVersion <= maxVersion, "empty version range \(minVersion)...\(maxVersion) for \(apiKey)")
        self.apiKey = apiKey
        self.minVersion = minVersion
        self.maxVersion = maxVersion
    }

    public var versions: ClosedRange<Int16> { minVersion...maxVersion }

    public func contains(_ version: Int16) -> Bool { versions.contains(version) }
}

/// The version table the broker advertises in ApiVersions.
///
/// The generated codecs handle every 2.8.2 version of each message; the broker *advertises* only
/// what it implements. These ranges follow the client analysis in wire-protocol.md §2.5: every
/// version kcat/librdkafka 2.0.2 and kafka-python 2.0.2 pick, feature-probe overlaps kept, and
/// nothing flexible except ApiVersions v3.
public enum SupportedApiVersions {
    /// Advertised to clients.
    public static let client: [ApiVersionRange] = [
        ApiVersionRange(apiKey: .produce, minVersion: 0, maxVersion: 7),
        ApiVersionRange(apiKey: .fetch, minVersion: 4, maxVersion: 11),
        ApiVersionRange(apiKey: .listOffsets, minVersion: 0, maxVersion: 2),
        ApiVersionRange(apiKey: .metadata, minVersion: 0, maxVersion: 5),
        ApiVersionRange(apiKey: .offsetCommit, minVersion: 0, maxVersion: 7),
        ApiVersionRange(apiKey: .offsetFetch, minVersion: 0, maxVersion: 5),
        ApiVersionRange(apiKey: .findCoordinator, minVersion: 0, maxVersion: 2),
        ApiVersionRange(apiKey: .joinGroup, minVersion: 0, maxVersion: 5),
        ApiVersionRange(apiKey: .heartbeat, minVersion: 0, maxVersion: 3),
        ApiVersionRange(apiKey: .leaveGroup, minVersion: 0, maxVersion: 1),
        ApiVersionRange(apiKey: .syncGroup, minVersion: 0, maxVersion: 3),
        ApiVersionRange(apiKey: .describeGroups, minVersion: 0, maxVersion: 2),
        ApiVersionRange(apiKey: .listGroups, minVersion: 0, maxVersion: 2),
        ApiVersionRange(apiKey: .apiVersions, minVersion: 0, maxVersion: 3),
        ApiVersionRange(apiKey: .createTopics, minVersion: 0, maxVersion: 4),
        ApiVersionRange(apiKey: .deleteTopics, minVersion: 0, maxVersion: 3),
        ApiVersionRange(apiKey: .describeConfigs, minVersion: 0, maxVersion: 2),
    ]

    /// InitProducerId: advertise only once the broker implements idempotence.
    public static let idempotence: [ApiVersionRange] = [
        ApiVersionRange(apiKey: .initProducerId, minVersion: 0, maxVersion: 1)
    ]

    /// ZooKeeper-mode controller → broker APIs (never advertised to clients).
    public static let interBroker: [ApiVersionRange] = [
        ApiVersionRange(apiKey: .leaderAndIsr, minVersion: 0, maxVersion: 5),
        ApiVersionRange(apiKey: .stopReplica, minVersion: 0, maxVersion: 3),
        ApiVersionRange(apiKey: .updateMetadata, minVersion: 0, maxVersion: 7),
        ApiVersionRange(apiKey: .controlledShutdown, minVersion: 0, maxVersion: 3),
    ]

    /// The ApiVersions range itself, used in the reply to an unsupported ApiVersions version.
    public static let apiVersions = ApiVersionRange(apiKey: .apiVersions, minVersion: 0, maxVersion: 3)
}
