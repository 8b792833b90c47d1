/// `inter.broker.protocol.version`: Kafka 2.8's `ApiVersion`, of which ZKafka acts on one step — whether
/// partition leaders send ISR changes to the controller as AlterIsr (KIP-497, `KAFKA_2_7_IV2` and later) or
/// write the partition state znode themselves plus `/isr_change_notification` (earlier versions).
///
/// Parsed as Kafka's `ApiVersion.apply`: the first two dot-separated segments (three for `0.x`) name either an
/// exact version (`2.7-IV1`) or a release, which means its last version (`2.7` → `2.7-IV2`); anything after
/// is ignored (`2.8.1` → `2.8`). Kafka 2.8 knows nothing newer than `2.8-IV1`.
public struct InterBrokerProtocolVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Kafka's full name of the version, e.g. `2.8-IV1`.
    public let version: String
    /// Its position in Kafka 2.8's `ApiVersion.allVersions`.
    let ordinal: Int

    /// Kafka 2.8's `ApiVersion.allVersions`, oldest first.
    static let allVersions = [
        "0.8.0", "0.8.1", "0.8.2", "0.9.0",
        "0.10.0-IV0", "0.10.0-IV1", "0.10.1-IV0", "0.10.1-IV1", "0.10.1-IV2", "0.10.2-IV0",
        "0.11.0-IV0", "0.11.0-IV1", "0.11.0-IV2", "1.0-IV0", "1.1-IV0", "2.0-IV0", "2.0-IV1",
        "2.1-IV0", "2.1-IV1", "2.1-IV2", "2.2-IV0", "2.2-IV1", "2.3-IV0", "2.3-IV1", "2.4-IV0", "2.4-IV1",
        "2.5-IV0", "2.6-IV0", "2.7-IV0", "2.7-IV1", "2.7-IV2", "2.8-IV0", "2.8-IV1",
    ]

    /// Kafka 2.8's default (`ApiVersion.latestVersion`).
    public static let latest = InterBrokerProtocolVersion(version: allVersions.last!, ordinal: allVersions.count - 1)
    /// `KAFKA_2_7_IV2`, the first version with AlterIsr.
    public static let alterIsrIntroduced = parse("2.7-IV2")!

    private init(version: String, ordinal: Int) {
        self.version = version
        self.ordinal = ordinal
    }

    /// Kafka's `ApiVersion.apply`; nil where Kafka throws "Version `x` is not a valid version".
    public static func parse(_ text: String) -> InterBrokerProtocolVersion? {
        let segments = text.split(separator: ".", omittingEmptySubsequences: false)
        let key = segments.prefix(text.hasPrefix("0.") ? 3 : 2).joined(separator: ".")
        // An exact version, or the last version of the release the short form names.
        let ordinal = allVersions.firstIndex(of: key) ?? allVersions.lastIndex { shortVersion($0) == key }
        return ordinal.map { InterBrokerProtocolVersion(version: allVersions[$0], ordinal: $0) }
    }

    /// `2.7-IV2` → `2.7`, `0.10.0-IV1` → `0.10.0`, `0.9.0` → `0.9.0`.
    private static func shortVersion(_ version: String) -> String {
        version.split(separator: "-").first.map(String.init) ?? version
    }

    /// Kafka's `isAlterIsrSupported`: partition leaders send AlterIsr to the controller.
    public var isAlterIsrSupported: Bool { self >= Self.alterIsrIntroduced }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.ordinal < rhs.ordinal }

    public var description: String { version }
}
