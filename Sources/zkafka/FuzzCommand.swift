import ArgumentParser
import Foundation
import RequestFuzzer

/// `zkafka fuzz`: attacks one broker with its regression cases and mutated request frames, then says whether it
/// kept answering.
struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Send a broker malformed and mutated request frames; fail if it stops answering.",
        discussion: """
            First the regression cases (frames that once hurt a broker, such as CreateTopics for 2147483647 \
            partitions), each on its own connection, each of which must be answered. Then --frames frames built \
            from a well-formed request of every API the broker advertises (control-plane APIs excepted) at every \
            version, mutated (bit flips, extreme INT16/INT32 values, truncation, extension, duplicated or removed \
            chunks, unknown versions and keys, random bytes), each followed by an ApiVersions probe on the same \
            connection. Every --liveness-every frames a fresh connection must get an ApiVersions answer. The same \
            --seed sends the same frames. Exit status 1 when the broker failed.
            """
    )

    @Option(help: "The broker to attack, HOST:PORT (IPv4).")
    var bootstrapServer: String

    @Option(help: "Mutated frames to send after the regression cases.")
    var frames: Int = 10_000

    @Option(help: "Seed of the frame generator.")
    var seed: UInt64 = 1

    @Option(help: "Frames between liveness checks.")
    var livenessEvery: Int = 500

    @Option(help: "Milliseconds a frame's answer may take before the connection is dropped.")
    var responseTimeoutMs: Int = 3_000

    func validate() throws {
        guard parsedAddress != nil else { throw ValidationError("--bootstrap-server must be HOST:PORT, got '\(bootstrapServer)'") }
        guard frames >= 0 else { throw ValidationError("--frames must not be negative, got \(frames)") }
        guard livenessEvery > 0 else { throw ValidationError("--liveness-every must be positive, got \(livenessEvery)") }
        guard responseTimeoutMs > 0 else { throw ValidationError("--response-timeout-ms must be positive, got \(responseTimeoutMs)") }
    }

    private var parsedAddress: (String, Int)? {
        guard let colon = bootstrapServer.lastIndex(of: ":"), let port = Int(bootstrapServer[bootstrapServer.index(after: colon)...]),
            (1...65_535).contains(port), colon != bootstrapServer.startIndex
        else { return nil }
        return (String(bootstrapServer[..<colon]), port)
    }

    func run() throws {
        let (host, port) = parsedAddress!
        var configuration = RequestFuzzer.Configuration(host: host, port: port, frames: frames, seed: seed)
        configuration.livenessEvery = livenessEvery
        configuration.responseTimeoutMilliseconds = responseTimeoutMs
        // Progress goes out unbuffered, so a run watched through a pipe shows where it is.
        let report = try RequestFuzzer.run(configuration) { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        print("advertised APIs: \(report.advertisedApis.map(String.init).joined(separator: ","))")
        print("frames \(report.frames): answered \(report.answered), connection closed by the broker \(report.closedByBroker), "
            + "timed out \(report.timedOut); liveness checks \(report.livenessChecks); \(String(format: "%.1f", report.seconds)) s")
        print("by mutation: " + report.framesByMutation.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        for failure in report.failures { print("FAILURE: \(failure)") }
        for regression in report.regressionCases where !regression.answered {
            print("FAILURE: regression case \(regression.name) not answered: \(regression.outcome)")
        }
        print(report.passed ? "fuzz: broker kept answering (seed \(seed))" : "fuzz: broker FAILED (seed \(seed))")
        if !report.passed { throw ExitCode(1) }
    }
}
