/// A parsed Java `.properties` file (what Kafka's `server.properties` is), following
/// `java.util.Properties.load`: `#`/`!` comments, `key=value`, `key: value` or `key value`, line
/// continuations with a trailing backslash, and `\t \n \r \f \uXXXX` escapes.
public struct JavaProperties: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: String
        /// 1-based line where the entry starts, for error messages.
        public var line: Int
    }

    /// Entries in file order; a later duplicate key overrides an earlier one (as Java does).
    public var entries: [Entry]

    public init(entries: [Entry] = []) { self.entries = entries }

    /// The effective value of each key.
    public var values: [String: String] {
        var values: [String: String] = [:]
        for entry in entries { values[entry.key] = entry.value }
        return values
    }

    /// Parses `text`, throwing ``ConfigError/malformedProperties(line:reason:)`` for a bad escape.
    public init(parsing text: String) throws(ConfigError) {
        var entries: [Entry] = []
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        var index = 0
        while index < lines.count {
            let startLine = index + 1
            var logical = Self.trimLeading(String(lines[index]))
            index += 1
            if logical.isEmpty || logical.hasPrefix("#") || logical.hasPrefix("!") { continue }
            // A line ending in an odd number of backslashes continues on the next line.
            while Self.endsWithContinuation(logical), index <= lines.count {
                logical.removeLast()
                if index < lines.count { logical += Self.trimLeading(String(lines[index])) }
                index += 1
            }
            let (rawKey, rawValue) = Self.splitKeyValue(logical)
            entries.append(
                Entry(
                    key: try Self.unescape(rawKey, line: startLine), value: try Self.unescape(rawValue, line: startLine),
                    line: startLine))
        }
        self.entries = entries
    }

    private static func trimLeading(_ line: String) -> String {
        String(line.drop { $0 == " " || $0 == "\t" || $0 == "\u{0C}" })
    }

    private static func endsWithContinuation(_ line: String) -> Bool {
        var count = 0
        for character in line.reversed() {
            guard character == "\\" else { break }
            count += 1
        }
        return count % 2 == 1
    }

    /// The key ends at the first unescaped `=`, `:` or whitespace; the separator and the whitespace
    /// around it are skipped.
    private static func splitKeyValue(_ line: String) -> (String, String) {
        var characters = Array(line)
        var keyEnd = 0
        var escaped = false
        while keyEnd < characters.count {
            let character = characters[keyEnd]
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "=" || character == ":" || character == " " || character == "\t" || character == "\u{0C}" {
                break
            }
            keyEnd += 1
        }
        let key = String(characters[..<keyEnd])
        var valueStart = keyEnd
        while valueStart < characters.count, [" ", "\t", "\u{0C}"].contains(characters[valueStart]) { valueStart += 1 }
        if valueStart < characters.count, characters[valueStart] == "=" || characters[valueStart] == ":" {
            valueStart += 1
            while valueStart < characters.count, [" ", "\t", "\u{0C}"].contains(characters[valueStart]) { valueStart += 1 }
        }
        characters.removeFirst(min(valueStart, characters.count))
        return (key, String(characters))
    }

    private static func unescape(_ text: String, line: Int) throws(ConfigError) -> String {
        guard text.contains("\\") else { return text }
        var result = ""
        var iterator = Array(text).makeIterator()
        while let character = iterator.next() {
            guard character == "\\" else {
                result.append(character)
                continue
            }
            guard let escaped = iterator.next() else { break }
            switch escaped {
            case "t": result.append("\t")
            case "n": result.append("\n")
            case "r": result.append("\r")
            case "f": result.append("\u{0C}")
            case "u":
                var hex = ""
                for _ in 0..<4 { if let digit = iterator.next() { hex.append(digit) } }
                guard hex.count == 4, let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                    throw .malformedProperties(line: line, reason: "malformed \\uXXXX escape '\\u\(hex)'")
                }
                result.unicodeScalars.append(scalar)
            default: result.append(escaped)
            }
        }
        return result
    }
}
