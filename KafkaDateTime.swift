import Foundation

/// Kafka's `Utils.getDateTime` for `--to-datetime`: `YYYY-MM-DDTHH:mm:SS.sss`, optionally followed by
/// a time zone (`Z`, `+hh:mm`, `-hhmm`); without one, the local time zone.
public enum KafkaDateTime {
    public static func parse(_ text: String, timeZone: TimeZone = .current) throws(ConsumerGroupsUsageError) -> Int64 {
        let pattern = #"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})(Z|[+-]\d{2}:?\d{2})?$"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
        else {
            throw ConsumerGroupsUsageError(
                "Error parsing timestamp '\(text)': expected format yyyy-MM-dd'T'HH:mm:ss.SSS with an optional time zone (Z, +hh:mm)")
        }
        func group(_ index: Int) -> String? {
            guard let range = Range(match.range(at: index), in: text) else { return nil }
            return String(text[range])
        }
        var zone = timeZone
        if let offset = group(8) {
            if offset == "Z" {
                zone = TimeZone(secondsFromGMT: 0)!
            } else {
                let digits = offset.dropFirst().filter(\.isNumber)
                let hours = Int(digits.prefix(2))!, minutes = Int(digits.suffix(2))!
                let seconds = (hours * 3600 + minutes * 60) * (offset.hasPrefix("-") ? -1 : 1)
                guard let parsed = TimeZone(secondsFromGMT: seconds) else {
                    throw ConsumerGroupsUsageError("Error parsing timestamp '\(text)': bad time zone \(offset)")
                }
                zone = parsed
            }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(
            year: Int(group(1)!), month: Int(group(2)!), day: Int(group(3)!), hour: Int(group(4)!), minute: Int(group(5)!),
            second: Int(group(6)!))
        guard let month = components.month, (1...12).contains(month), let day = components.day, (1...31).contains(day),
            let hour = components.hour, hour < 24, let minute = components.minute, minute < 60, let second = components.second, second < 60,
            let date = calendar.date(from: components)
        else {
            throw ConsumerGroupsUsageError("Error parsing timestamp '\(text)': not a valid date and time")
        }
        return Int64((date.timeIntervalSince1970 * 1000).rounded()) + Int64(group(7)!)!
    }
}
