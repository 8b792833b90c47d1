/// Kafka's `Topic.validate`: non-empty, not "." or "..", at most 249 characters of ASCII letters, digits,
/// '.', '_' and '-'.
public enum TopicNameRule {
    public static let maxLength = 249

    public static func problem(with name: String) -> String? {
        if name.isEmpty { return "Topic name is illegal, it can't be empty" }
        if name == "." || name == ".." { return "Topic name cannot be \".\" or \"..\"" }
        if name.count > maxLength {
            return "Topic name is illegal, it can't be longer than \(maxLength) characters, topic name: \(name)"
        }
        let legal = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar))
        }
        return legal ? nil : "Topic name \"\(name)\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'"
    }
}
