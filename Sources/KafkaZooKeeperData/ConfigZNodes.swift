/// `/config/<entityType>/<entity>` (e.g. `/config/topics/foo`): `{"version":1,"config":{...}}`, every
/// value a string.
public enum TopicConfigZNode {
    public static func encode(_ config: [String: String]) -> [UInt8] {
        let pairs: [(String, JSONText.Value)] = config.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }
        return JSONText.encode(.object([("version", .int(1)), ("config", .object(pairs))]))
    }

    public static func decode(topic: String, data: [UInt8]?) throws(ZNodeDataError) -> [String: String] {
        let path = ZNodePaths.topicConfig(topic)
        let fields = try JSONText.object(data, path: path)
        var config: [String: String] = [:]
        for (key, value) in try fields.object("config")?.pairs ?? [] {
            guard case .string(let text) = value else {
                throw .malformed(path: path, reason: "config value of '\(key)' is not a string")
            }
            config[key] = text
        }
        return config
    }
}
