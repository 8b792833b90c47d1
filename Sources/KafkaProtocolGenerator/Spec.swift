import Foundation

/// A version range from a spec: "0+", "3-5", "7", or "none".
struct Versions: Equatable {
    var low: Int
    var high: Int  // Int.max for "N+"

    static let none = Versions(low: 1, high: 0)
    var isEmpty: Bool { low > high }

    static func parse(_ text: String?) -> Versions? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if text == "none" { return Versions.none }
        if text.hasSuffix("+"), let low = Int(text.dropLast()) { return Versions(low: low, high: Int.max) }
        let parts = text.split(separator: "-")
        if parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]) { return Versions(low: low, high: high) }
        if let only = Int(text) { return Versions(low: only, high: only) }
        fatalError("cannot parse version range '\(text)'")
    }

    func intersection(_ other: Versions) -> Versions {
        Versions(low: max(low, other.low), high: min(high, other.high))
    }

    /// A Swift Boolean expression testing `version` against this range, simplified within `valid`.
    func condition(within valid: Versions) -> String {
        let clipped = intersection(valid)
        if clipped.isEmpty { return "false" }
        if clipped == valid { return "true" }
        if clipped.low <= valid.low { return "version <= \(clipped.high)" }
        if clipped.high >= valid.high { return "version >= \(clipped.low)" }
        if clipped.low == clipped.high { return "version == \(clipped.low)" }
        return "(\(clipped.low)...\(clipped.high)).contains(version)"
    }
}

indirect enum FieldType: Equatable {
    case int8, int16, int32, int64, uint16, float64, bool, string, bytes, records, uuid
    case array(FieldType)
    case structure(String)

    static func parse(_ text: String) -> FieldType {
        if text.hasPrefix("[]") { return .array(parse(String(text.dropFirst(2)))) }
        switch text {
        case "int8": return .int8
        case "int16": return .int16
        case "int32": return .int32
        case "int64": return .int64
        case "uint16": return .uint16
        case "float64": return .float64
        case "bool": return .bool
        case "string": return .string
        case "bytes": return .bytes
        case "records": return .records
        case "uuid": return .uuid
        default: return .structure(text)
        }
    }
}

final class FieldSpec {
    let name: String
    let type: FieldType
    let versions: Versions
    let nullableVersions: Versions?
    let taggedVersions: Versions?
    let tag: Int?
    let defaultValue: String?
    let about: String?
    let fields: [FieldSpec]?

    init(json: [String: Any]) {
        name = json["name"] as! String
        type = FieldType.parse(json["type"] as! String)
        versions = Versions.parse(json["versions"] as? String) ?? Versions.none
        nullableVersions = Versions.parse(json["nullableVersions"] as? String)
        taggedVersions = Versions.parse(json["taggedVersions"] as? String)
        tag = json["tag"] as? Int
        if let d = json["default"] as? String {
            defaultValue = d
        } else if let d = json["default"] as? NSNumber {
            defaultValue = d.stringValue
        } else {
            defaultValue = nil
        }
        about = json["about"] as? String
        fields = (json["fields"] as? [[String: Any]])?.map(FieldSpec.init(json:))
    }

    var isNullable: Bool { nullableVersions.map { !$0.isEmpty } ?? false }
    var isTagged: Bool { tag != nil }
}

struct MessageSpec {
    enum Kind: String { case request, response, data }
    let name: String
    let apiKey: Int?
    let kind: Kind
    let validVersions: Versions
    let flexibleVersions: Versions?
    let fields: [FieldSpec]
    let commonStructs: [String: [FieldSpec]]

    init(url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        // The spec files carry // line comments, which JSON doesn't allow.
        let stripped = text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
            .joined(separator: "\n")
        let json = try JSONSerialization.jsonObject(with: Data(stripped.utf8)) as! [String: Any]
        name = json["name"] as! String
        apiKey = json["apiKey"] as? Int
        kind = Kind(rawValue: json["type"] as! String) ?? .data
        validVersions = Versions.parse(json["validVersions"] as? String)!
        let flexible = Versions.parse(json["flexibleVersions"] as? String)
        flexibleVersions = (flexible?.isEmpty ?? true) ? nil : flexible
        fields = (json["fields"] as! [[String: Any]]).map(FieldSpec.init(json:))
        var common: [String: [FieldSpec]] = [:]
        for s in (json["commonStructs"] as? [[String: Any]]) ?? [] {
            common[s["name"] as! String] = (s["fields"] as! [[String: Any]]).map(FieldSpec.init(json:))
        }
        commonStructs = common
    }
}
