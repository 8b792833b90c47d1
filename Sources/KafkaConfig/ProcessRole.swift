/// One of Kafka 3.3's `process.roles` (`KafkaConfig.parseProcessRoles`): a node is a broker, a
/// controller, or both ("combined mode").
public enum ProcessRole: String, Sendable, Hashable, CaseIterable, Comparable {
    case broker
    case controller

    public static func < (lhs: ProcessRole, rhs: ProcessRole) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Parses `process.roles`, rejecting unknown and duplicate roles with Kafka 3.3's messages.
    static func parseList(_ text: String) throws(ConfigError) -> Set<ProcessRole> {
        let names = text.split(separator: ",").map { String($0).trimmingCharacters() }.filter { !$0.isEmpty }
        var roles: Set<ProcessRole> = []
        for name in names {
            guard let role = ProcessRole(rawValue: name) else {
                throw .invalidValue(
                    key: "process.roles", value: text,
                    reason: "Unknown process role '\(name)' (only 'broker' and 'controller' are allowed roles)")
            }
            roles.insert(role)
        }
        guard roles.count == names.count else {
            throw .invalidValue(key: "process.roles", value: text, reason: "Duplicate role names found in `process.roles`: \(names)")
        }
        return roles
    }
}
