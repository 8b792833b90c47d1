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
        guard let child = try? DemoChildProcess.spawn([python, "-c", "import confluent_kafka"], output: "/dev/null", errors: "/dev/null"),
            child.wait(timeout: .seconds(30)) == 0
        else { return "\(python) cannot import confluent_kafka (apt-get install python3-confluent-kafka)" }
        return nil
    }

    func startProducer(bootstrap: String, topic: String) throws -> DemoChildProcess {
        let script = try KafkaClientScript.locate()
        for path in [acknowledgedPath, stopPath] where FileManager.default.fileExists(atPath: path) {
            try FileManager.default.removeItem(atPath: path)
        }
        return try DemoChildProcess.spawn(
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
    func stopProducer(_ producer: DemoChildProcess) throws -> ProducerSummary {
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
        let consumer = try DemoChildProcess.spawn([Self.python, script] + arguments, output: output, errors: log)
        guard let status = consumer.wait(timeout: timeout) else {
            consumer.forceStop()
            throw DemoTimeout(description: "the consumer did not finish within \(timeout.components.seconds) s (log: \(log))")
        }
        guard status == 0 else { throw DemoTrafficError(description: "the consumer exited with status \(status) (log: \(log))") }
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

/// A child process of the demo with its output in files, started with `posix_spawn` in its own
/// process group (so a Ctrl-C in the terminal reaches only the demo, which tears down in order).
final class DemoChildProcess: Sendable {
    let pid: pid_t

    private init(pid: pid_t) { self.pid = pid }

    static func spawn(_ arguments: [String], output: String, errors: String) throws -> DemoChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard rc == 0 else {
            throw DemoTrafficError(description: "cannot run \(arguments[0]): \(String(cString: strerror(rc)))")
        }
        return DemoChildProcess(pid: pid)
    }

    /// The exit status once the process has exited within `timeout`, else nil (still running).
    func wait(timeout: Duration) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f) }
            if reaped < 0 { return -1 }  // already reaped
            if ContinuousClock.now >= deadline { return nil }
            usleep(50_000)
        }
    }

    func forceStop() {
        kill(pid, SIGKILL)
        _ = wait(timeout: .seconds(5))
    }
}
