import Foundation

/// The raw `key → value` text of a `server.properties` file with `--override key=value` pairs
/// applied, before either mode's typed configuration is built from it.
public enum ServerProperties {
    /// Reads `path` and applies `overrides` (`key=value`, as `kafka-server-start.sh --override`).
    public static func load(path: String, overrides: [String] = []) throws(ConfigError) -> [String: String] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadableFile(path: path, reason: "\(error.localizedDescription)")
        }
        var values = try JavaProperties(parsing: text).values
        for override in overrides {
            guard let equals = override.firstIndex(of: "="), equals != override.startIndex else {
                throw .malformedOverride(override)
            }
            values[String(override[..<equals]).trimmingCharacters()] = String(override[override.index(after: equals)...])
        }
        return values
    }

    /// Whether the properties describe a KRaft node: Kafka 3.3 decides on `process.roles` alone
    /// (`KafkaConfig.usesSelfManagedQuorum`). Mixing it with `zookeeper.connect` is an error here
    /// (ZooKeeper migration, KIP-866, is Kafka 3.4 and not reproduced).
    public static func isKRaft(_ values: [String: String]) -> Bool {
        guard let roles = values["process.roles"] else { return false }
        return !roles.trimmingCharacters().isEmpty
    }
}
