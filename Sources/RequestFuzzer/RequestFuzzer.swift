import KafkaProtocol
import NIOCore

/// `zkafka fuzz`: sends a broker its regression cases, then mutated and random request frames for every API it
/// advertises, checking between them that it still answers a fresh connection. A broker passes when every
/// regression case is answered (not dropped, not left hanging) and no liveness check fails; what it answers to a
/// mutated frame is its own business (an error, a closed connection), as long as it keeps serving.
public enum RequestFuzzer {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var frames: Int
        public var seed: UInt64
        /// How long a frame's answer (or the probe behind it) may take before the connection is dropped.
        public var responseTimeoutMilliseconds = 3_000
        /// A fresh connection's ApiVersions must be answered this often (in frames) and within this time.
        public var livenessEvery = 500
        public var livenessTimeoutMilliseconds = 15_000

        public init(host: String, port: Int, frames: Int, seed: UInt64) {
            self.host = host
            self.port = port
            self.frames = frames
            self.seed = seed
        }
    }

    public struct Report: Sendable {
        public var advertisedApis: [Int16] = []
        /// Each regression case and what came back ("answered: POLICY_VIOLATION (44)", "closed", "no answer").
        public var regressionCases: [(name: String, outcome: String, answered: Bool)] = []
        public var frames = 0
        public var answered = 0
        public var closedByBroker = 0
        public var timedOut = 0
        public var framesByMutation: [String: Int] = [:]
        public var livenessChecks = 0
        /// What the broker failed to do, with the frames sent just before; empty when it passed.
        public var failures: [String] = []
        public var seconds = 0.0

        public var passed: Bool { failures.isEmpty && regressionCases.allSatisfy(\.answered) }
    }

    /// Control-plane APIs are never fuzzed: a well-formed LeaderAndIsr, UpdateMetadata or StopReplica from anyone
    /// is obeyed by design (in Kafka too, without an authorizer), so "surviving" them is not the broker's to prove.
    static let controlPlaneKeys: Set<Int16> = [4, 5, 6, 7]
    private static let probeCorrelationID = Int32.min + 7

    public static func run(_ configuration: Configuration, progress: (String) -> Void = { _ in }) throws -> Report {
        var report = Report()
        let started = FuzzConnection.nowMilliseconds()
        let advertised = try advertisedApis(configuration)
        report.advertisedApis = advertised.sorted()
        let keys = Set(advertised.filter { !controlPlaneKeys.contains($0) }.map(ApiKey.init(rawValue:)))

        // Only the active controller acts on CreateTopics (others answer NOT_CONTROLLER): the cases go there.
        var controller = configuration
        if let address = try controllerAddress(configuration) { (controller.host, controller.port) = address }
        progress("regression cases go to the active controller at \(controller.host):\(controller.port)")
        for regression in FuzzRegressionCases.all {
            let outcome = regressionOutcome(regression, controller)
            report.regressionCases.append((regression.name, outcome.text, outcome.answered))
            progress("regression case \(regression.name): \(outcome.text)")
        }
        if let problem = livenessProblem(controller) { report.failures.append("after the regression cases the controller \(problem)") }

        var mutator = FrameMutator(seed: configuration.seed, apiKeys: keys)
        var connection: FuzzConnection? = nil
        var recent: [String] = []
        let probe = FrameMutator.frame(
            apiKey: ApiVersionsRequest.apiKey, version: 0, correlationID: probeCorrelationID, body: [])
        for index in 0..<configuration.frames {
            let frame = mutator.nextFrame(correlationID: Int32(truncatingIfNeeded: index))
            report.frames += 1
            report.framesByMutation[frame.mutation.rawValue, default: 0] += 1
            recent.append("#\(index) \(frame.apiKey.name) v\(frame.version) \(frame.mutation.rawValue) \(frame.bytes.count) bytes: \(hex(frame.bytes.prefix(96)))")
            if recent.count > 10 { recent.removeFirst() }
            do {
                if connection == nil { connection = try FuzzConnection(host: configuration.host, port: configuration.port) }
                try connection!.send(frame.bytes + probe)
                while true {
                    let response = try connection!.readFrame(milliseconds: configuration.responseTimeoutMilliseconds)
                    if correlationID(response) == probeCorrelationID { break }
                }
                report.answered += 1
            } catch .closed {
                report.closedByBroker += 1
                connection = nil
            } catch .timedOut {
                report.timedOut += 1
                connection = nil
            } catch {
                report.failures.append("frame #\(index): \(error)\n  " + recent.joined(separator: "\n  "))
                break
            }
            if (index + 1) % configuration.livenessEvery == 0 || index + 1 == configuration.frames {
                report.livenessChecks += 1
                if let problem = livenessProblem(configuration) {
                    report.failures.append(
                        "after frame #\(index) the broker \(problem); the frames before it:\n  " + recent.joined(separator: "\n  "))
                    break
                }
            }
            if (index + 1) % 10_000 == 0 {
                progress("\(index + 1)/\(configuration.frames) frames: \(report.answered) answered, \(report.closedByBroker) closed, \(report.timedOut) timed out")
            }
        }
        report.seconds = Double(FuzzConnection.nowMilliseconds() - started) / 1_000
        return report
    }

    /// The host and port of the active controller, from a Metadata v1 answer naming no topics; nil if none is known.
    static func controllerAddress(_ configuration: Configuration) throws -> (String, Int)? {
        let connection = try FuzzConnection(host: configuration.host, port: configuration.port)
        let body = MetadataRequest(topics: []).encoded(version: 1)
        try connection.send(
            FrameMutator.frame(apiKey: MetadataRequest.apiKey, version: 1, correlationID: 4, body: Array(body.readableBytesView)))
        var buffer = ByteBuffer(bytes: try connection.readFrame(milliseconds: configuration.livenessTimeoutMilliseconds))
        _ = try ResponseHeader(from: &buffer, headerVersion: 0)
        let response = try MetadataResponse(from: &buffer, version: 1)
        guard let broker = response.brokers.first(where: { $0.nodeId == response.controllerId }) else { return nil }
        return (broker.host, Int(broker.port))
    }

    /// The API keys of the broker's ApiVersions v0 answer.
    static func advertisedApis(_ configuration: Configuration) throws -> [Int16] {
        let connection = try FuzzConnection(host: configuration.host, port: configuration.port)
        try connection.send(FrameMutator.frame(apiKey: ApiVersionsRequest.apiKey, version: 0, correlationID: 1, body: []))
        var buffer = ByteBuffer(bytes: try connection.readFrame(milliseconds: configuration.livenessTimeoutMilliseconds))
        _ = try ResponseHeader(from: &buffer, headerVersion: 0)
        let response = try ApiVersionsResponse(from: &buffer, version: 0)
        return response.apiKeys.map(\.apiKey)
    }

    /// Nil when a fresh connection's ApiVersions is answered in time, else what went wrong.
    static func livenessProblem(_ configuration: Configuration) -> String? {
        do {
            let connection = try FuzzConnection(host: configuration.host, port: configuration.port)
            try connection.send(FrameMutator.frame(apiKey: ApiVersionsRequest.apiKey, version: 0, correlationID: 2, body: []))
            _ = try connection.readFrame(milliseconds: configuration.livenessTimeoutMilliseconds)
            return nil
        } catch {
            return "did not answer ApiVersions on a fresh connection within \(configuration.livenessTimeoutMilliseconds) ms (\(error))"
        }
    }

    static func regressionOutcome(
        _ regression: FuzzRegressionCases.Case, _ configuration: Configuration
    ) -> (text: String, answered: Bool) {
        do {
            let connection = try FuzzConnection(host: configuration.host, port: configuration.port)
            try connection.send(
                FrameMutator.frame(apiKey: regression.apiKey, version: regression.version, correlationID: 3, body: regression.body))
            var buffer = ByteBuffer(bytes: try connection.readFrame(milliseconds: 60_000))
            guard regression.apiKey == CreateTopicsRequest.apiKey else { return ("answered", true) }
            _ = try ResponseHeader(
                from: &buffer, headerVersion: ResponseHeader.headerVersion(apiKey: regression.apiKey, apiVersion: regression.version))
            let response = try CreateTopicsResponse(from: &buffer, version: regression.version)
            let errors = response.topics.map { topic in
                "\(KafkaErrorCode(rawValue: topic.errorCode))" + (topic.errorMessage.map { ": \($0)" } ?? "")
            }
            return ("answered: " + errors.joined(separator: "; "), true)
        } catch {
            return ("\(error)", false)
        }
    }

    private static func correlationID(_ response: [UInt8]) -> Int32 {
        guard response.count >= 4 else { return -1 }
        return Int32(bitPattern: response[0..<4].reduce(UInt32(0)) { ($0 << 8) | UInt32($1) })
    }

    private static func hex<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
