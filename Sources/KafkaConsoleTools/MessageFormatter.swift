import KafkaClient
import KafkaProtocol

/// Kafka 2.8's `DefaultMessageFormatter` (kafka.tools): per record, optionally the timestamp
/// (`CreateTime:…`), `Partition:…`, `Offset:…`, the headers and the key, each followed by the key
/// separator, then the value and the line separator. Null keys and values print as `null`.
public struct MessageFormatter: Sendable, Equatable {
    public var printTimestamp = false
    public var printKey = false
    public var printOffset = false
    public var printPartition = false
    public var printHeaders = false
    public var printValue = true
    public var keySeparator = "\t"
    public var lineSeparator = "\n"
    public var headersSeparator = ","
    public var nullLiteral = "null"

    public init() {}

    mutating func set(_ key: String, _ value: String) throws(KafkaClientError) {
        switch key {
        case "print.timestamp": printTimestamp = try parseBool(value, key: key)
        case "print.key": printKey = try parseBool(value, key: key)
        case "print.offset": printOffset = try parseBool(value, key: key)
        case "print.partition": printPartition = try parseBool(value, key: key)
        case "print.headers": printHeaders = try parseBool(value, key: key)
        case "print.value": printValue = try parseBool(value, key: key)
        case "key.separator": keySeparator = unescape(value)
        case "line.separator": lineSeparator = unescape(value)
        case "headers.separator": headersSeparator = unescape(value)
        case "null.literal": nullLiteral = value
        default:
            throw KafkaClientError.invalidConfig(
                "Unknown --property '\(key)' for the console consumer (known: \(ConsoleConsumerSettings.formatterProperties.joined(separator: ", ")))")
        }
    }

    /// The bytes printed for `record`.
    public func format(_ record: ConsumerRecord) -> [UInt8] {
        var output: [UInt8] = []
        let separator = Array(keySeparator.utf8)
        func column(_ text: String, more: Bool) {
            output += Array(text.utf8)
            output += more ? separator : Array(lineSeparator.utf8)
        }
        func bytes(_ value: [UInt8]?) -> String {
            value.map { String(decoding: $0, as: UTF8.self) } ?? nullLiteral
        }
        if printTimestamp {
            let type = record.timestampType == .logAppendTime ? "LogAppendTime" : "CreateTime"
            column(record.timestamp >= 0 ? "\(type):\(record.timestamp)" : "NO_TIMESTAMP", more: printPartition || printOffset || printHeaders || printKey || printValue)
        }
        if printPartition { column("Partition:\(record.partition)", more: printOffset || printHeaders || printKey || printValue) }
        if printOffset { column("Offset:\(record.offset)", more: printHeaders || printKey || printValue) }
        if printHeaders {
            let text = record.headers.isEmpty
                ? "NO_HEADERS" : record.headers.map { "\($0.key):\(bytes($0.value))" }.joined(separator: headersSeparator)
            column(text, more: printKey || printValue)
        }
        if printKey { column(bytes(record.key), more: printValue) }
        if printValue {
            output += record.value ?? Array(nullLiteral.utf8)
            output += Array(lineSeparator.utf8)
        }
        return output
    }
}
