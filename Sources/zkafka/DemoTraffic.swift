import ChildProcess
import Foundation

/// The demo's data traffic: a confluent-kafka producer (acks=all) that runs through every failure
/// the tour stages, and a final consumer that checks no acknowledged record went missing. Both are
/// the repository's `scripts/kafka_client.py` (`/usr/bin/python3` with Debian's python3-confluent-kafka,
/// located by ``KafkaClientScript``), the same script the integration tests run. The run leaves its
/// evidence in the cluster directory: `demo-acknowledged.txt` has one line `partition offset key value headers`
/// per acknowledged record.
struct DemoTraffic: Sendable {
    let directory: String
    /// Names the files: `demo` for the tour, `chaos` for `zkafka chaos`.
    var prefix = "demo"
    static let python = "/usr/bin/python3"

    var acknowledgedPath: String { directory + "/\(prefix)-acknowledged.txt" }
    /// The producer stops (and flushes what it still holds) once this file exists.
    var stopPath: String { directory + "/\(prefix)-producer.stop" }
    var producerOutputPath: String { directory + "/\(prefix)-producer.out" }
    var producerLogPath: String { directory + "/\(prefix)-producer.log" }
    /// `zkafka chaos`: every record read back, one `partition offset value` line each.
    var consumedPath: String { directory + "/\(prefix)-consumed.txt" }

    /// Why the demo cannot produce here, or nil when python3 can import confluent_kafka.
    static func unavailableReason() -> String? {
        guard FileManager.default.isExecutableFile(atPath: python) else { return "\(python) is not installed" }
        guard let child = try? ChildProcess.demoChild([python, "-c", "import confluent_kafka"], output: "/dev/null", errors: "/dev/null"),
            child.wait(timeout: .seconds(30)) == .exited(0)
        else { return "\(python) cannot import confluent_kafka (apt-get install python3-confluent-kafka)" }
        return nil
    }

    func startProducer(bootstrap: String, topic: String) throws -> ChildProcess {
        let script = try KafkaClientScript.locate()
        for path in [acknowledgedPath, stopPath] where FileManager.default.fileExists(atPath: path) {
            try FileManager.default.removeItem(atPath: path)
        }
        return try ChildProcess.demoChild(
            [Self.python, script, "produce", bootstrap, topic, "--until-file", stopPath, "--acked", acknowledgedPath,
             "--exit-with-parent", "--interval-ms", "10", "--flush-timeout-s", "90"],
            output: producerOutputPath, errors: producerLogPath)
    }

    /// Records acknowledged so far (the producer writes each acknowledgement as a line at once).
    func acknowledgedCount() -> Int {
        guard let data = FileManager.default.contents(atPath: acknowledgedPath) else { return 0 }
        return data.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }

    struct ProducerSummary: Decodable, Sendable {
        var produced: Int
        var acknowledged: Int
        var failed: Int
        var undelivered: Int
        var errors: [String: Int]
    }

    /// Asks the producer to stop, waits for it to flush and exit, and reads its summary.
    func stopProducer(_ producer: ChildProcess) throws -> ProducerSummary {
        FileManager.default.createFile(atPath: stopPath, contents: nil)
        guard producer.wait(timeout: .seconds(120)) != nil else {
            producer.forceStop()
            throw DemoTimeout(description: "the producer did not finish flushing within 120 s (log: \(producerLogPath))")
        }
        return try Self.lastJSONLine(of: producerOutputPath, what: "producer", log: producerLogPath)
    }

    struct Verification: Decodable, Sendable {
        var acknowledged: Int
        var consumed: Int
        var missing: Int
        var firstMissing: [String]
    }

    /// Consumes every partition of `topic` from the beginning to its high watermark and counts the
    /// acknowledged records that are not stored at their acknowledged partition and offset.
    func verify(bootstrap: String, topic: String) throws -> Verification {
        try runConsumer(["verify", bootstrap, topic, "--acked", acknowledgedPath, "--timeout-s", "120"], timeout: .seconds(150))
    }

    /// Reads every partition of `topic` from the beginning to its high watermark into ``consumedPath`` and
    /// returns how many records that was.
    func dumpConsumed(bootstrap: String, topic: String) throws -> Int {
        struct Dumped: Decodable { var consumed: Int }
        let dumped: Dumped = try runConsumer(
            ["consume", bootstrap, topic, "--out", consumedPath, "--timeout-s", "240"], timeout: .seconds(300))
        return dumped.consumed
    }

    /// Runs the script's consumer side with `arguments` to completion and decodes the summary it prints last.
    private func runConsumer<T: Decodable>(_ arguments: [String], timeout: Duration) throws -> T {
        let output = directory + "/\(prefix)-consumer.out"
        let log = directory + "/\(prefix)-consumer.log"
        let script = try KafkaClientScript.locate()
        let consumer = try ChildProcess.demoChild([Self.python, script] + arguments, output: output, errors: log)
        guard let status = consumer.wait(timeout: timeout) else {
            consumer.forceStop()
            throw DemoTimeout(description: "the consumer did not finish within \(timeout.components.seconds) s (log: \(log))")
        }
        guard status.isSuccess else { throw DemoTrafficError(description: "the consumer \(status) (log: \(log))") }
        return try Self.lastJSONLine(of: output, what: "consumer", log: log)
    }

    private static func lastJSONLine<T: Decodable>(of path: String, what: String, log: String) throws -> T {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        guard let line = text.split(separator: "\n").last, let value = try? JSONDecoder().decode(T.self, from: Data(line.utf8)) else {
            throw DemoTrafficError(description: "the \(what) printed no summary (log: \(log))")
        }
        return value
    }
}

struct DemoTrafficError: Error, CustomStringConvertible {
    let description: String
}

extension ChildProcess {
    /// A child of the demo with its output in files, in its own process group (so a Ctrl-C in the
    /// terminal reaches only the demo, which tears down in order).
    static func demoChild(_ arguments: [String], output: String, errors: String) throws -> ChildProcess {
        try spawn(ChildProcessOptions(
            arguments, standardOutput: .file(output, append: false), standardError: .file(errors, append: false)))
    }

    /// SIGKILL to its group, and reaped.
    func forceStop() { stop(signal: SIGKILL, grace: .seconds(5)) }
}
