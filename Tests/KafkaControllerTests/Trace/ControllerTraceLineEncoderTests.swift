import Foundation
import KafkaController
import KafkaModel
import Testing

/// ``ControllerTraceLineEncoder`` must write exactly what `JSONEncoder` (sorted keys, unescaped slashes)
/// writes: the trace format did not change when the sink stopped using it.
@Suite(.tags(.unit)) struct ControllerTraceLineEncoderTests {
    /// Every ASCII character, some multi-byte UTF-8 and the characters JSON encoders like to treat specially.
    static let awkward: String = {
        var text = ""
        for value in 0..<0x80 { text.unicodeScalars.append(Unicode.Scalar(UInt8(value))) }
        return text + "/é€😀\u{2028}\u{2029}\u{85}\u{FEFF}</script> \\\"\\u0041"
    }()

    static let doubles: [Double] = [
        0, -0.0, 5, -5, 1.5, -3.25, 83.604533, 0.1 + 0.2, 1e-7, 0.0001, 0.000123, 1234567, 1e15, 1e16, 1e21,
        123456789012345678, 2.5e-300, .greatestFiniteMagnitude, .leastNonzeroMagnitude, -.leastNormalMagnitude,
        Double(Int64.max), 1.0 / 3.0,
    ]

    static let events: [ControllerEventTraceRecord] = {
        var records: [ControllerEventTraceRecord] = []
        for (index, wait) in doubles.enumerated() {
            records.append(
                ControllerEventTraceRecord(
                    type: "BrokerChange", state: "BrokerChange", enqueueTimeMs: 1_763_800_000_000 + Int64(index),
                    queueWaitMs: wait, processingMs: doubles[(index + 7) % doubles.count],
                    outcome: index % 3 == 0 ? .processed : index % 3 == 1 ? .failed : .preempted,
                    error: index % 2 == 0 ? nil : "ZooKeeperError(code: -101, path: \"/brokers/ids/3\")\n\tat \(index)"))
        }
        records.append(
            ControllerEventTraceRecord(
                type: awkward, state: "", enqueueTimeMs: Int64.min, queueWaitMs: 0, processingMs: 0, outcome: .preempted,
                error: awkward))
        records.append(
            ControllerEventTraceRecord(
                type: "Startup", state: "ControllerChange", enqueueTimeMs: Int64.max, queueWaitMs: 12.000001,
                processingMs: 99.99, outcome: .processed))
        return records
    }()

    static let transitions: [StateTransitionTraceRecord] = {
        var records: [StateTransitionTraceRecord] = [
            StateTransitionTraceRecord(
                kind: .partition, topicPartition: tp("orders", 3), from: "OfflinePartition", to: "OnlinePartition",
                leaderAndISR: LeaderAndISR(leader: 2, leaderEpoch: 7, isr: [2, 3], zkVersion: 9), controllerEpoch: 4,
                cause: "BrokerChange", outcome: .applied),
            StateTransitionTraceRecord(
                kind: .replica, topicPartition: tp("orders", 0), replica: 1, from: "OnlineReplica",
                to: "OfflineReplica", leaderAndISR: LeaderAndISR(leader: -1, leaderEpoch: 12, isr: [], zkVersion: 3),
                controllerEpoch: 1, cause: "onBrokerFailure", outcome: .applied),
            StateTransitionTraceRecord(
                kind: .partition, topicPartition: tp("a/b.c_d-e", Int32.max), from: "NewPartition",
                to: "OnlinePartition", controllerEpoch: Int32.max, cause: "onNewPartitionCreation", outcome: .failed,
                reason: "no live replica in [1, 2, 3] for \"a/b.c_d-e\"\r\n"),
            StateTransitionTraceRecord(
                kind: .replica, topicPartition: tp(awkward, -1), replica: Int32.min, from: awkward, to: awkward,
                controllerEpoch: Int32.min, cause: awkward, outcome: .refused, reason: awkward),
            StateTransitionTraceRecord(
                kind: .partition, topicPartition: tp("t", 0), from: "OnlinePartition", to: "OnlinePartition",
                leaderAndISR: LeaderAndISR(leader: 0, leaderEpoch: 0, isr: Array(0..<40), zkVersion: 0),
                controllerEpoch: 0, cause: "", outcome: .applied, reason: ""),
        ]
        var stamped = records[0]
        stamped.timeMs = 1_763_800_000_123
        records.append(stamped)
        var negative = records[1]
        negative.timeMs = -1
        records.append(negative)
        return records
    }()

    static let milestones: [ControllerMilestoneTraceRecord] = [
        ControllerMilestoneTraceRecord(
            kind: .elected, timeMs: 1_763_800_000_000, brokerID: 1, controllerEpoch: 5, epochZKVersion: 4),
        ControllerMilestoneTraceRecord(kind: .resigned, timeMs: 0, brokerID: 0, controllerEpoch: 5),
        ControllerMilestoneTraceRecord(kind: .failoverCompleted, timeMs: 1_763_800_000_123, brokerID: 1, controllerEpoch: 5),
        ControllerMilestoneTraceRecord(kind: .resigned, timeMs: -42, brokerID: -1),
        ControllerMilestoneTraceRecord(
            kind: .brokerChange, timeMs: Int64.max, brokerID: 2, controllerEpoch: 7, newBrokers: [4],
            deadBrokers: [], bouncedBrokers: [1, 3], liveBrokers: [1, 2, 3, 4]),
        ControllerMilestoneTraceRecord(
            kind: .brokerChange, timeMs: 17, brokerID: Int32.max, controllerEpoch: Int32.min, epochZKVersion: -1,
            newBrokers: Array(100..<140), deadBrokers: [Int32.min, -1, 0], bouncedBrokers: nil, liveBrokers: []),
        // KRaft role changes.
        ControllerMilestoneTraceRecord(
            kind: .follower, timeMs: 3, brokerID: 2, controllerEpoch: 4, raftLeaderID: 1, committedOffset: 10, logEndOffset: 12),
        ControllerMilestoneTraceRecord(kind: .voted, timeMs: 3, brokerID: 3, controllerEpoch: 5, votedFor: 1),
        ControllerMilestoneTraceRecord(
            kind: .candidate, timeMs: 3, brokerID: 1, controllerEpoch: 5, committedOffset: 0, logEndOffset: Int64.max),
    ]

    static var all: [ControllerTraceRecord] {
        events.map(ControllerTraceRecord.event) + transitions.map(ControllerTraceRecord.transition)
            + milestones.map(ControllerTraceRecord.milestone)
    }

    static func reference(_ record: ControllerTraceRecord) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(record))
    }

    @Test func everyRecord_matchesJSONEncoderByteForByte() throws {
        #expect(Self.all.count >= 30)
        for record in Self.all {
            var line: [UInt8] = []
            try ControllerTraceLineEncoder.appendLine(record, to: &line)
            let expected = try Self.reference(record) + [UInt8(ascii: "\n")]
            #expect(
                line == expected,
                "\(String(decoding: line, as: UTF8.self)) != \(String(decoding: expected, as: UTF8.self))")
        }
    }

    @Test func lines_appendToExistingBytes_andDecodeBackToTheRecord() throws {
        var bytes: [UInt8] = Array("previous\n".utf8)
        for record in Self.all { try ControllerTraceLineEncoder.appendLine(record, to: &bytes) }
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        #expect(lines.count == Self.all.count + 2)
        #expect(Array(lines[0]) == Array("previous".utf8))
        #expect(lines.last?.isEmpty == true)
        let decoder = JSONDecoder()
        for (record, line) in zip(Self.all, lines.dropFirst()) {
            let decoded = try decoder.decode(ControllerTraceRecord.self, from: Data(line))
            #expect(decoded == record)
        }
    }

    @Test func line_isTheRecordWithoutNewline() throws {
        let record = ControllerTraceRecord.milestone(Self.milestones[0])
        #expect(
            try ControllerTraceLineEncoder.line(record)
                == #"{"brokerID":1,"controllerEpoch":5,"epochZKVersion":4,"kind":"elected","record":"milestone","timeMs":1763800000000}"#
        )
    }

    @Test func nonFiniteDouble_throwsLikeJSONEncoder_andLeavesBytesAsTheyWere() throws {
        for value in [Double.nan, .infinity, -.infinity] {
            let record = ControllerTraceRecord.event(
                ControllerEventTraceRecord(
                    type: "T", state: "S", enqueueTimeMs: 0, queueWaitMs: 1, processingMs: value, outcome: .processed))
            #expect(throws: EncodingError.self) { try Self.reference(record) }
            var bytes: [UInt8] = [1, 2, 3]
            #expect(throws: EncodingError.self) { try ControllerTraceLineEncoder.appendLine(record, to: &bytes) }
            #expect(bytes == [1, 2, 3])
        }
    }
}
