/// Kafka's topic name rules (`Topic.validate`): 1–249 characters of `[a-zA-Z0-9._-]`, not `.` or `..`.
enum TopicName {
    static let consumerOffsets = "__consumer_offsets"
    static let maxLength = 249

    static func isValid(_ name: String) -> Bool { problem(with: name) == nil }

    /// Why `name` is not a valid topic name, or nil if it is.
    static func problem(with name: String) -> String? {
        if name.isEmpty { return "Topic name is illegal, it can't be empty" }
        if name == "." || name == ".." { return "Topic name cannot be \".\" or \"..\"" }
        if name.utf8.count > maxLength {
            return "Topic name is illegal, it can't be longer than \(maxLength) characters, topic name: \(name)"
        }
        let legal = name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        return legal
            ? nil
            : "Topic name \"\(name)\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'"
    }
}
