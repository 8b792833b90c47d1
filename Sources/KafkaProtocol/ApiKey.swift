/// A Kafka API key (`RequestApiKey INT16`). Unknown keys are representable.
public struct ApiKey: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    public static let produce = Self(rawValue: 0)
    public static let fetch = Self(rawValue: 1)
    public static let listOffsets = Self(rawValue: 2)
    public static let metadata = Self(rawValue: 3)
    public static let leaderAndIsr = Self(rawValue: 4)
    public static let stopReplica = Self(rawValue: 5)
    public static let updateMetadata = Self(rawValue: 6)
    public static let controlledShutdown = Self(rawValue: 7)
    public static let offsetCommit = Self(rawValue: 8)
    public static let offsetFetch = Self(rawValue: 9)
    public static let findCoordinator = Self(rawValue: 10)
    public static let joinGroup = Self(rawValue: 11)
    public static let heartbeat = Self(rawValue: 12)
    public static let leaveGroup = Self(rawValue: 13)
    public static let syncGroup = Self(rawValue: 14)
    public static let describeGroups = Self(rawValue: 15)
    public static let listGroups = Self(rawValue: 16)
    public static let saslHandshake = Self(rawValue: 17)
    public static let apiVersions = Self(rawValue: 18)
    public static let createTopics = Self(rawValue: 19)
    public static let deleteTopics = Self(rawValue: 20)
    public static let initProducerId = Self(rawValue: 22)
    public static let offsetForLeaderEpoch = Self(rawValue: 23)
    public static let describeConfigs = Self(rawValue: 32)

    public static func < (lhs: ApiKey, rhs: ApiKey) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Kafka's name for the API (`Metadata`), or `ApiKey(<n>)` for keys this module doesn't know.
    public var name: String { KafkaApiMetadata.all[self]?.name ?? "ApiKey(\(rawValue))" }

    /// Metadata generated from the message specs, or nil for keys this module has no types for.
    public var metadata: KafkaApiMetadata? { KafkaApiMetadata.all[self] }

    public var description: String { name }
}

/// What the generated code knows about one API: its versions and the first flexible version
/// of its request and response (the same in every Kafka 2.8.2 spec used here).
public struct KafkaApiMetadata: Sendable, Hashable {
    public var apiKey: ApiKey
    public var name: String
    public var validVersions: ClosedRange<Int16>
    /// The first flexible version, or nil if no version is flexible.
    public var firstFlexibleVersion: Int16?

    public init(apiKey: ApiKey, name: String, validVersions: ClosedRange<Int16>, firstFlexibleVersion: Int16?) {
        self.apiKey = apiKey
        self.name = name
        self.validVersions = validVersions
        self.firstFlexibleVersion = firstFlexibleVersion
    }

    public func isFlexible(version: Int16) -> Bool {
        guard let first = firstFlexibleVersion else { return false }
        return version >= first
    }

    /// Request header version: 2 for flexible versions, 1 otherwise, 0 for ControlledShutdown v0.
    public func requestHeaderVersion(apiVersion: Int16) -> Int16 {
        if apiKey == .controlledShutdown && apiVersion == 0 { return 0 }
        return isFlexible(version: apiVersion) ? 2 : 1
    }

    /// Response header version: 1 for flexible versions, 0 otherwise, and always 0 for ApiVersions.
    public func responseHeaderVersion(apiVersion: Int16) -> Int16 {
        if apiKey == .apiVersions { return 0 }
        return isFlexible(version: apiVersion) ? 1 : 0
    }
}
