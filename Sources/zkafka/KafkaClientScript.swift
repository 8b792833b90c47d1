import Foundation

/// Finds `kafka_client.py`, the repository's one confluent-kafka client script (`scripts/kafka_client.py`),
/// which the demo and `zkafka chaos` run and the integration tests run too. Looked for, in order: the path in
/// `$ZKAFKA_CLIENT_SCRIPT`; `scripts/kafka_client.py` in a directory above the executable (a build inside the
/// repository: `.build/<config>/zkafka`); `share/zkafka/kafka_client.py` beside the executable's `bin`
/// (an installed zkafka, e.g. the development image). Never `../shared`.
enum KafkaClientScript {
    static let fileName = "kafka_client.py"

    struct NotFound: Error, CustomStringConvertible {
        let searched: [String]
        var description: String {
            "cannot find \(KafkaClientScript.fileName); looked at: \(searched.joined(separator: ", ")) "
                + "(set ZKAFKA_CLIENT_SCRIPT to the repository's scripts/\(KafkaClientScript.fileName))"
        }
    }

    static func locate(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executable: String = Bundle.main.executablePath ?? CommandLine.arguments[0]
    ) throws -> String {
        let candidates = candidatePaths(environment: environment, executable: executable)
        guard let found = candidates.first(where: { FileManager.default.isReadableFile(atPath: $0) }) else {
            throw NotFound(searched: candidates)
        }
        return found
    }

    /// Where to look, in order (pure: no file access).
    static func candidatePaths(environment: [String: String], executable: String) -> [String] {
        var candidates: [String] = []
        if let explicit = environment["ZKAFKA_CLIENT_SCRIPT"], !explicit.isEmpty { candidates.append(explicit) }
        let binary = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
        var directory = binary.deletingLastPathComponent()
        for _ in 0..<6 where directory.path != "/" {
            directory = directory.deletingLastPathComponent()
            candidates.append(directory.appendingPathComponent("scripts/\(fileName)").path)
        }
        candidates.append(
            binary.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("share/zkafka/\(fileName)").path)
        return candidates
    }
}
