import ControllerTraceFile
import Foundation
import KafkaController
import KafkaModel
import Testing

@Suite(.tags(.unit)) struct JSONLinesControllerTraceSinkTests {
    @Test func jsonLinesSink_appendsOneValidJSONObjectPerLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zkafka-trace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let sink = try JSONLinesControllerTraceSink(logDirectory: directory.path)
        sink.append(
            .event(
                ControllerEventTraceRecord(
                    type: "BrokerChange", state: "BrokerChange", enqueueTimeMs: 1_700_000_000_000, queueWaitMs: 1.5,
                    processingMs: 3, outcome: .processed)))
        sink.append(
            .transition(
                StateTransitionTraceRecord(
                    kind: .partition, topicPartition: tp("orders", 3), from: "OfflinePartition", to: "OnlinePartition",
                    leaderAndISR: LeaderAndISR(leader: 2, leaderEpoch: 7, isr: [2, 3], zkVersion: 9), controllerEpoch: 4,
                    cause: "BrokerChange", outcome: .applied)))
        sink.close()

        let text = try String(contentsOfFile: directory.appendingPathComponent("controller-trace.jsonl").path, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(text.hasSuffix("\n"))
        #expect(lines.count == 2)
        let event = try #require(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(event["record"] as? String == "event")
        #expect(event["type"] as? String == "BrokerChange")
        #expect(event["queueWaitMs"] as? Double == 1.5)
        let transition = try #require(JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(transition["record"] as? String == "transition")
        #expect(transition["kind"] as? String == "partition")
        #expect(transition["topic"] as? String == "orders")
        #expect(transition["partition"] as? Int == 3)
        #expect(transition["from"] as? String == "OfflinePartition")
        #expect(transition["leader"] as? Int == 2)
        #expect(transition["isr"] as? [Int] == [2, 3])
        #expect(transition["leaderEpoch"] as? Int == 7)
        #expect(transition["controllerEpoch"] as? Int == 4)
        #expect(transition["cause"] as? String == "BrokerChange")
        #expect(transition["replica"] == nil)

        // Reopening appends.
        let reopened = try JSONLinesControllerTraceSink(logDirectory: directory.path)
        reopened.append(
            .event(ControllerEventTraceRecord(type: "Startup", state: "ControllerChange", enqueueTimeMs: 0, queueWaitMs: 0, processingMs: 0, outcome: .preempted)))
        reopened.close()
        let again = try String(contentsOfFile: reopened.path, encoding: .utf8)
        #expect(again.split(separator: "\n").count == 3)
    }

    @Test func jsonLinesSink_buffersUntilFlush_andWritesMilestonesAtOnce() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zkafka-trace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sink = try JSONLinesControllerTraceSink(logDirectory: directory.path)
        defer { sink.close() }
        func lineCount() throws -> Int {
            try String(contentsOfFile: sink.path, encoding: .utf8).split(separator: "\n").count
        }
        for partition in 0..<3 {
            sink.append(
                .transition(
                    StateTransitionTraceRecord(
                        kind: .replica, topicPartition: tp("t", Int32(partition)), replica: 1, from: "NewReplica",
                        to: "OnlineReplica", controllerEpoch: 1, cause: "TopicChange", outcome: .applied)))
        }
        #expect(try lineCount() == 0, "transitions wait for the end of the event")
        sink.flush()
        #expect(try lineCount() == 3)
        sink.append(.milestone(ControllerMilestoneTraceRecord(kind: .elected, brokerID: 1, controllerEpoch: 2, epochZKVersion: 2)))
        #expect(try lineCount() == 4, "a milestone is written at once")
    }
}


private func tp(_ topic: String, _ partition: Int32) -> TopicPartition { TopicPartition(topic: topic, partition: partition) }
