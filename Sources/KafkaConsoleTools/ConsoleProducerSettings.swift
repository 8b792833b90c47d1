import Foundation
import KafkaClient

/// What `zkafka console-producer` does with its options (Kafka's `ConsoleProducer.ProducerConfig`
/// and `LineMessageReader`): the producer settings and how stdin lines become records.
public struct ConsoleProducerSettings: Sendable, Equatable {
    public var producer = ProducerConfig()
    /// `parse.key`: split each line into key and value at the first `keySeparator`.
    public var parseKey = false
    /// `key.separator`, a tab by default.
    public var keySeparator = "\t"
    /// `ignore.error`: a line without the separator becomes a keyless record instead of an error.
    public var ignoreError = false

    /// Reader properties (`--property`) the console producer knows in Kafka 2.8.
    public static let readerProperties = ["parse.key", "key.separator", "ignore.error"]

    /// Builds the settings. `acks` is `--request-required-acks`, applied before `--producer-property`
    /// entries (which win, as in Kafka). Kafka's console producer defaults: acks=1,
    /// request.timeout.ms=1500, linger.ms=1000 (`--timeout`), batch size 200 records (here 16 KiB).
    public static func parse(
        properties: [String], producerProperties: [String], acks: String?, requestTimeoutMs: Int?, lingerMs: Int?
    ) throws(KafkaClientError) -> ConsoleProducerSettings {
        var settings = ConsoleProducerSettings()
        settings.producer.clientID = "console-producer"
        settings.producer.requestTimeoutMs = 1500
        settings.producer.lingerMs = 1000
        if let acks { try settings.producer.set("acks", acks) }
        if let requestTimeoutMs { try settings.producer.set("request.timeout.ms", String(requestTimeoutMs)) }
        if let lingerMs { try settings.producer.set("linger.ms", String(lingerMs)) }
        settings.producer.deliveryTimeoutMs = max(settings.producer.deliveryTimeoutMs, settings.producer.requestTimeoutMs + settings.producer.lingerMs)
        for entry in producerProperties {
            let (key, value) = try splitProperty(entry, option: "--producer-property")
            try settings.producer.set(key, value)
        }
        for entry in properties {
            let (key, value) = try splitProperty(entry, option: "--property")
            switch key {
            case "parse.key": settings.parseKey = try parseBool(value, key: key)
            case "ignore.error": settings.ignoreError = try parseBool(value, key: key)
            case "key.separator":
                guard !value.isEmpty else { throw KafkaClientError.invalidConfig("key.separator must not be empty") }
                settings.keySeparator = unescape(value)
            default:
                throw KafkaClientError.invalidConfig(
                    "Unknown --property '\(key)' for the console producer (known: \(readerProperties.joined(separator: ", ")))")
            }
        }
        return settings
    }

    /// One stdin line (without its newline) as key and value (Kafka's `LineMessageReader.readMessage`).
    /// `lineNumber` counts from 1, for the error message.
    public func record(fromLine line: String, lineNumber: Int) throws(KafkaClientError) -> (key: [UInt8]?, value: [UInt8]) {
        guard parseKey else { return (nil, Array(line.utf8)) }
        guard let range = line.range(of: keySeparator) else {
            if ignoreError { return (nil, Array(line.utf8)) }
            throw KafkaClientError.invalidConfig("No key separator '\(keySeparator.debugDescription.dropFirst().dropLast())' found on line \(lineNumber): \(line)")
        }
        return (Array(line[..<range.lowerBound].utf8), Array(line[range.upperBound...].utf8))
    }
}

/// Splits `key=value` at the first `=` (values may contain `=`), naming the option when malformed.
func splitProperty(_ entry: String, option: String) throws(KafkaClientError) -> (String, String) {
    guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex else {
        throw KafkaClientError.invalidConfig("\(option) takes key=value, got '\(entry)'")
    }
    return (String(entry[..<equals]), String(entry[entry.index(after: equals)...]))
}

func parseBool(_ value: String, key: String) throws(KafkaClientError) -> Bool {
    switch value.lowercased() {
    case "true": return true
    case "false": return false
    default: throw KafkaClientError.invalidConfig("Invalid value '\(value)' for \(key): expected true or false")
    }
}

/// `\t`, `\n`, `\r` and `\\` in separators typed on a command line, as Kafka's console tools accept them.
func unescape(_ text: String) -> String {
    var result = ""
    var escaping = false
    for character in text {
        if escaping {
            switch character {
            case "t": result.append("\t")
            case "n": result.append("\n")
            case "r": result.append("\r")
            default: result.append(character)
            }
            escaping = false
        } else if character == "\\" {
            escaping = true
        } else {
            result.append(character)
        }
    }
    if escaping { result.append("\\") }
    return result
}
