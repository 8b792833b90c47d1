import ChildProcess
import Foundation

/// The demo's data traffic: a confluent-kafka producer (acks=all) that runs through every failure
/// the tour stages, and a final consumer that checks no acknowledged record went missing. Both are
/// one Python script (`/usr/bin/python3` with Debian's python3-confluent-kafka) written into the
/// cluster directory, so the run leaves its evidence there: `demo-acknowledged.txt` has one line
/// `partition offset value` per acknowledged record.
struct DemoTraffic: Sendable {
    let directory: String
    /// Names the files: `demo` for the tour, `chaos` for `zkafka chaos`.
    var prefix = "demo"
    static let python = "/usr/bin/python3"

    var scriptPath: String { directory + "/\(prefix)-traffic.py" }
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
        try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        for path in [acknowledgedPath, stopPath] where FileManager.default.fileExists(atPath: path) {
            try FileManager.default.removeItem(atPath: path)
        }
        return try ChildProcess.demoChild(
            [Self.python, scriptPath, "produce", bootstrap, topic, acknowledgedPath, stopPath],
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
        try runConsumer(["verify", bootstrap, topic, acknowledgedPath], timeout: .seconds(150))
    }

    /// Reads every partition of `topic` from the beginning to its high watermark into ``consumedPath`` and
    /// returns how many records that was.
    func dumpConsumed(bootstrap: String, topic: String) throws -> Int {
        struct Dumped: Decodable { var consumed: Int }
        let dumped: Dumped = try runConsumer(["dump", bootstrap, topic, consumedPath], timeout: .seconds(300))
        return dumped.consumed
    }

    /// Runs the script's consumer side with `arguments` to completion and decodes the summary it prints last.
    private func runConsumer<T: Decodable>(_ arguments: [String], timeout: Duration) throws -> T {
        let output = directory + "/\(prefix)-consumer.out"
        let log = directory + "/\(prefix)-consumer.log"
        let consumer = try ChildProcess.demoChild([Self.python, scriptPath] + arguments, output: output, errors: log)
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

    // Keys repeat every 100 records so each key's records share a partition; values number the
    // records in production order. The producer exits on its own when the demo process is gone
    // (its parent changes), so an interrupted demo leaves no producer behind.
    static let script = #"""
        import json, os, sys, time
        from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition

        def produce(bootstrap, topic, acknowledged_path, stop_path):
            parent = os.getppid()
            producer = Producer({
                "bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5,
                # Retry through leader changes and NOT_ENOUGH_REPLICAS for up to two minutes per record.
                "retries": 10000000, "retry.backoff.ms": 100, "message.timeout.ms": 120000,
                "enable.idempotence": False,
            })
            acknowledged = open(acknowledged_path, "w", buffering=1)
            counts = {"acknowledged": 0, "failed": 0}
            errors = {}
            def delivered(error, message):
                if error is not None:
                    counts["failed"] += 1
                    errors[error.name()] = errors.get(error.name(), 0) + 1
                    return
                counts["acknowledged"] += 1
                acknowledged.write(f"{message.partition()} {message.offset()} {message.value().decode()}\n")
            produced = 0
            while not os.path.exists(stop_path):
                if os.getppid() != parent:
                    sys.exit(1)
                try:
                    producer.produce(topic, key=f"key-{produced % 100}", value=f"record-{produced}", on_delivery=delivered)
                    produced += 1
                except BufferError:
                    pass
                producer.poll(0.01)
            undelivered = producer.flush(90)
            acknowledged.close()
            print(json.dumps({"produced": produced, "acknowledged": counts["acknowledged"], "failed": counts["failed"],
                              "undelivered": undelivered, "errors": errors}))

        def read_all(bootstrap, topic, seconds):
            # A group id is required, but nothing is committed: the partitions are assigned by hand.
            consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "zkafka-demo-verifier",
                                 "enable.auto.commit": False, "auto.offset.reset": "earliest"})
            partitions = sorted(consumer.list_topics(topic, timeout=30).topics[topic].partitions)
            ends = {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=30)[1] for p in partitions}
            consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
            stored = {}
            reached = {p: 0 for p in partitions}
            deadline = time.monotonic() + seconds
            while any(reached[p] < ends[p] for p in partitions) and time.monotonic() < deadline:
                for message in consumer.consume(num_messages=1000, timeout=1.0):
                    if message.error() is not None:
                        continue
                    stored[(message.partition(), message.offset())] = message.value().decode()
                    reached[message.partition()] = message.offset() + 1
            consumer.close()
            return stored

        def dump(bootstrap, topic, out_path):
            stored = read_all(bootstrap, topic, 240)
            with open(out_path, "w") as out:
                for (partition, offset), value in sorted(stored.items()):
                    out.write(f"{partition} {offset} {value}\n")
            print(json.dumps({"consumed": len(stored)}))

        def verify(bootstrap, topic, acknowledged_path):
            acknowledged = [line.split() for line in open(acknowledged_path) if line.strip()]
            stored = read_all(bootstrap, topic, 120)
            missing = [" ".join(a) for a in acknowledged if stored.get((int(a[0]), int(a[1]))) != a[2]]
            print(json.dumps({"acknowledged": len(acknowledged), "consumed": len(stored), "missing": len(missing),
                              "firstMissing": missing[:5]}))

        if __name__ == "__main__":
            {"produce": produce, "verify": verify, "dump": dump}[sys.argv[1]](*sys.argv[2:])
        """#
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
