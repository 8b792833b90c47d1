/// Reads typed values out of raw `key → text` configuration, with Kafka 2.8's defaults, and rejects
/// bad values naming the key and the value (Kafka's `ConfigDef.parseType` / validators).
struct ConfigReader {
    let values: [String: String]
    /// Every key looked up, so the caller can warn about the rest (Kafka's "supplied but isn't a
    /// known config").
    private(set) var consulted: Set<String> = []

    init(values: [String: String]) { self.values = values }

    mutating func text(_ key: String) -> String? {
        consulted.insert(key)
        guard let value = values[key]?.trimmingCharacters(), !value.isEmpty else { return nil }
        return value
    }

    mutating func string(_ key: String, default defaultValue: String) -> String { text(key) ?? defaultValue }

    mutating func required(_ key: String) throws(ConfigError) -> String {
        guard let value = text(key) else { throw .missing(key: key) }
        return value
    }

    mutating func int<T: FixedWidthInteger>(
        _ key: String, default defaultValue: T, in range: ClosedRange<T> = T.min...T.max
    ) throws(ConfigError) -> T {
        guard let raw = text(key) else { return defaultValue }
        return try Self.parseInteger(raw, key: key, range: range)
    }

    mutating func optionalInt<T: FixedWidthInteger>(_ key: String, in range: ClosedRange<T> = T.min...T.max) throws(ConfigError) -> T? {
        guard let raw = text(key) else { return nil }
        return try Self.parseInteger(raw, key: key, range: range)
    }

    static func parseInteger<T: FixedWidthInteger>(_ raw: String, key: String, range: ClosedRange<T>) throws(ConfigError) -> T {
        guard let value = T(raw) else {
            throw .invalidValue(key: key, value: raw, reason: "expected a whole number")
        }
        guard range.contains(value) else {
            throw .invalidValue(key: key, value: raw, reason: "must be in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    mutating func double(_ key: String, default defaultValue: Double, in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        guard let raw = text(key) else { return defaultValue }
        guard let value = Double(raw), range.contains(value) else {
            throw .invalidValue(key: key, value: raw, reason: "must be a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    mutating func bool(_ key: String, default defaultValue: Bool) throws(ConfigError) -> Bool {
        guard let raw = text(key) else { return defaultValue }
        switch raw.lowercased() {
        case "true": return true
        case "false": return false
        default: throw .invalidValue(key: key, value: raw, reason: "expected true or false")
        }
    }

    mutating func list(_ key: String) -> [String]? {
        text(key).map { $0.split(separator: ",").map { String($0).trimmingCharacters() }.filter { !$0.isEmpty } }
    }

    /// The first of `keys` that is set, in Kafka's precedence order (`log.retention.ms` over
    /// `.minutes` over `.hours`), converted to milliseconds with each key's unit.
    mutating func duration(
        _ keys: [(key: String, millisecondsPerUnit: Int64)], default defaultValue: Int64, allowNegativeOne: Bool = false
    ) throws(ConfigError) -> Int64 {
        for (key, unit) in keys {
            guard let raw = text(key) else { continue }
            let value: Int64 = try Self.parseInteger(raw, key: key, range: (allowNegativeOne ? -1 : 0)...Int64.max)
            if value == -1 { return -1 }
            let (product, overflow) = value.multipliedReportingOverflow(by: unit)
            return overflow ? Int64.max : product
        }
        return defaultValue
    }
}
