/// Why a broker configuration was rejected. Every case names the key and, where there is one, the
/// offending value, so the message alone tells the user what to fix.
public enum ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformedProperties(line: Int, reason: String)
    case missing(key: String)
    case invalidValue(key: String, value: String, reason: String)
    case malformedOverride(String)
    case unreadableFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .malformedProperties(let line, let reason): "server.properties line \(line): \(reason)"
        case .missing(let key): "missing required configuration '\(key)'"
        case .invalidValue(let key, let value, let reason): "invalid value '\(value)' for configuration '\(key)': \(reason)"
        case .malformedOverride(let text): "malformed --override '\(text)': expected key=value"
        case .unreadableFile(let path, let reason): "cannot read configuration file \(path): \(reason)"
        }
    }
}
