import Foundation

/// KafkaProtocolGenerator <spec folder> <output folder>
///
/// Reads Kafka's JSON message specs (2.8.2) and writes one Swift file per message, plus
/// `KafkaApiMetadata+Generated.swift` and `KafkaRequestBody.swift`.
let apis = [
    "Produce", "Fetch", "ListOffsets", "Metadata", "LeaderAndIsr", "StopReplica", "UpdateMetadata",
    "ControlledShutdown", "OffsetCommit", "OffsetFetch", "FindCoordinator", "JoinGroup", "Heartbeat",
    "LeaveGroup", "SyncGroup", "DescribeGroups", "ListGroups", "ApiVersions", "CreateTopics", "DeleteTopics",
    "InitProducerId", "DescribeConfigs",
    "DeleteGroups", "OffsetDelete",
    "OffsetForLeaderEpoch",
]
let dataMessages = ["ConsumerProtocolSubscription", "ConsumerProtocolAssignment"]

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: KafkaProtocolGenerator <spec folder> <output folder>\n".utf8))
    exit(2)
}
let specFolder = URL(fileURLWithPath: arguments[1])
let outputFolder = URL(fileURLWithPath: arguments[2])
try FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true)

func write(_ text: String, to name: String) throws {
    try text.write(to: outputFolder.appendingPathComponent(name), atomically: true, encoding: .utf8)
}

var requests: [MessageSpec] = []
for api in apis {
    for suffix in ["Request", "Response"] {
        let spec = try MessageSpec(url: specFolder.appendingPathComponent("\(api)\(suffix).json"))
        try write(MessageEmitter(spec: spec).emit(), to: "\(spec.name).swift")
        if suffix == "Request" { requests.append(spec) }
    }
}
for name in dataMessages {
    let spec = try MessageSpec(url: specFolder.appendingPathComponent("\(name).json"))
    try write(MessageEmitter(spec: spec).emit(), to: "\(spec.name).swift")
}

// API metadata table.
var meta = [generatedHeader, "", "extension KafkaApiMetadata {", "    /// Every API this module has generated types for.",
            "    public static let all: [ApiKey: KafkaApiMetadata] = ["]
for spec in requests {
    let key = spec.apiKey!
    let api = String(spec.name.dropLast("Request".count))
    let flexible = spec.flexibleVersions.map { String($0.low) } ?? "nil"
    meta.append("        ApiKey(rawValue: \(key)): KafkaApiMetadata(apiKey: ApiKey(rawValue: \(key)), name: \"\(api)\", "
        + "validVersions: \(spec.validVersions.low)...\(spec.validVersions.high), firstFlexibleVersion: \(flexible)),")
}
meta += ["    ]", "}", ""]
try write(meta.joined(separator: "\n"), to: "KafkaApiMetadata+Generated.swift")

// Request dispatch enum.
func caseName(_ spec: MessageSpec) -> String { swiftName(String(spec.name.dropLast("Request".count))) }
var body = [generatedHeader, "", "import NIOCore", "",
            "/// Any request body this module can decode, selected by API key.",
            "public enum KafkaRequestBody: Sendable, Hashable {"]
for spec in requests { body.append("    case \(caseName(spec))(\(spec.name))") }
body += ["", "    public var apiKey: ApiKey {", "        switch self {"]
for spec in requests { body.append("        case .\(caseName(spec)): return \(spec.name).apiKey") }
body += ["        }", "    }", "",
         "    /// Decodes the body of a request whose header named `apiKey` and `version`.",
         "    public static func decode(apiKey: ApiKey, version: Int16, from buffer: inout ByteBuffer) throws(KafkaProtocolError) -> KafkaRequestBody {",
         "        switch apiKey.rawValue {"]
for spec in requests {
    body.append("        case \(spec.apiKey!): return .\(caseName(spec))(try \(spec.name)(from: &buffer, version: version))")
}
body += ["        default: throw KafkaProtocolError(.unknownApiKey(apiKey.rawValue), field: \"KafkaRequestBody\")",
         "        }", "    }", "",
         "    /// Encodes the wrapped body at `version`.",
         "    public func encode(into buffer: inout ByteBuffer, version: Int16) {", "        switch self {"]
for spec in requests { body.append("        case .\(caseName(spec))(let body): body.encode(into: &buffer, version: version)") }
body += ["        }", "    }", "}", ""]
try write(body.joined(separator: "\n"), to: "KafkaRequestBody.swift")
// Catalog of every generated message type (for the round-trip and robustness tests).
var catalog = [generatedHeader, "", "/// Every generated message type, requests and responses in API-key order, then `data` specs.",
               "let allGeneratedMessageTypes: [any (KafkaMessage & KafkaSampleProviding).Type] = ["]
for api in apis { catalog.append("    \(api)Request.self,"); catalog.append("    \(api)Response.self,") }
for name in dataMessages { catalog.append("    \(name).self,") }
catalog += ["]", ""]
try write(catalog.joined(separator: "\n"), to: "GeneratedMessageCatalog.swift")
print("generated \(requests.count * 2 + dataMessages.count) messages into \(outputFolder.path)")
