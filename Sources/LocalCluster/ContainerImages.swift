/// The images a container cluster runs: those `scripts/build_images.sh` built and wrote to `.env`
/// (`ZKAFKA_ZOOKEEPER_IMAGE`, `ZKAFKA_BROKER_IMAGE`), overridden by the same variables in the
/// environment, as Compose itself resolves them for the repository's docker-compose.yml.
public struct ContainerImages: Sendable, Equatable {
    public var zookeeper: String
    public var broker: String

    public static let defaultZooKeeper = "localhost/zkafka-zookeeper:latest"
    public static let defaultBroker = "localhost/zkafka-broker:latest"

    public init(zookeeper: String, broker: String) {
        self.zookeeper = zookeeper
        self.broker = broker
    }

    /// `environment` wins over `dotEnv` (the text of a `.env` file), which wins over the defaults.
    public static func resolve(environment: [String: String], dotEnv: String?) -> ContainerImages {
        let file = parseDotEnv(dotEnv ?? "")
        func pick(_ key: String, _ fallback: String) -> String {
            if let value = environment[key], !value.isEmpty { return value }
            if let value = file[key], !value.isEmpty { return value }
            return fallback
        }
        return ContainerImages(
            zookeeper: pick("ZKAFKA_ZOOKEEPER_IMAGE", defaultZooKeeper), broker: pick("ZKAFKA_BROKER_IMAGE", defaultBroker))
    }

    /// `KEY=VALUE` lines; blank lines and `#` comments skipped, surrounding quotes removed.
    static func parseDotEnv(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == value.last, first == "\"" || first == "'" {
                value = String(value.dropFirst().dropLast())
            }
            values[key] = value
        }
        return values
    }
}
