import ControllerTraceReader
import Foundation
import KafkaController
import KafkaModel
import Testing

/// Lines as `JSONLinesControllerTraceSink` writes them.
private func line(_ record: ControllerTraceRecord) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(record), as: UTF8.self)
}

private func event(_ type: String, enqueue: Int64, wait: Double = 1, took: Double = 5) -> ControllerTraceRecord {
    .event(ControllerEventTraceRecord(type: type, state: "X", enqueueTimeMs: enqueue, queueWaitMs: wait, processingMs: took, outcome: .processed))
}

private func partition(
    _ topic: String, _ number: Int32, from: String, to: String, leader: BrokerID, isr: [BrokerID], leaderEpoch: Int32,
    epoch: Int32, cause: String = "BrokerFailure", at time: Int64?
) -> ControllerTraceRecord {
    var record = StateTransitionTraceRecord(
        kind: .partition, topicPartition: TopicPartition(topic: topic, partition: number), from: from, to: to,
        leaderAndISR: LeaderAndISR(leader: leader, leaderEpoch: leaderEpoch, isr: isr, zkVersion: 0),
        controllerEpoch: epoch, cause: cause, outcome: .applied)
    record.timeMs = time
    return .transition(record)
}

private func replica(_ topic: String, _ number: Int32, _ id: BrokerID, from: String, to: String, epoch: Int32, at time: Int64?) -> ControllerTraceRecord {
    var record = StateTransitionTraceRecord(
        kind: .replica, topicPartition: TopicPartition(topic: topic, partition: number), replica: id, from: from, to: to,
        controllerEpoch: epoch, cause: "BrokerFailure", outcome: .applied)
    record.timeMs = time
    return .transition(record)
}

private func elected(_ broker: BrokerID, epoch: Int32, at time: Int64) -> ControllerTraceRecord {
    .milestone(ControllerMilestoneTraceRecord(kind: .elected, timeMs: time, brokerID: broker, controllerEpoch: epoch, epochZKVersion: epoch - 1))
}

@Suite(.tags(.unit)) struct ControllerTraceReaderTests {
    @Test func recordKinds_roundTripThroughTheirJSONLines() throws {
        let records: [ControllerTraceRecord] = [
            event("BrokerChange", enqueue: 1_000), partition("t", 0, from: "OnlinePartition", to: "OfflinePartition", leader: 2, isr: [2], leaderEpoch: 3, epoch: 4, at: 1_001),
            elected(2, epoch: 4, at: 999),
            .milestone(ControllerMilestoneTraceRecord(kind: .brokerChange, timeMs: 5, brokerID: 2, controllerEpoch: 4, newBrokers: [], deadBrokers: [1], bouncedBrokers: [], liveBrokers: [2, 3])),
        ]
        for record in records {
            let text = try line(record)
            #expect(try JSONDecoder().decode(ControllerTraceRecord.self, from: Data(text.utf8)) == record, "\(text)")
        }
        #expect(try line(elected(2, epoch: 4, at: 999)).contains(#""record":"milestone""#))
    }

    @Test func parse_malformedLines_areReportedWithFileAndLine_andSkipped() throws {
        let text = [
            try line(event("Startup", enqueue: 1_000)),
            "{not json",
            "",
            #"{"record":"mystery"}"#,
            #"{"record":"event","type":"X"}"#,
            try line(event("ControllerChange", enqueue: 2_000)),
        ].joined(separator: "\n")
        let parsed = ControllerTraceReader.parse(text, brokerID: 1, file: "/b1/controller-trace.jsonl")
        #expect(parsed.entries.map(\.event?.type) == ["Startup", "ControllerChange"])
        #expect(parsed.entries.map(\.line) == [1, 6])
        #expect(parsed.problems.map(\.line) == [2, 4, 5])
        #expect(parsed.problems.allSatisfy { $0.file == "/b1/controller-trace.jsonl" })
        #expect(parsed.problems[0].description.hasPrefix("/b1/controller-trace.jsonl:2: malformed trace line skipped"))
        #expect(parsed.problems[1].message.contains("mystery"))
    }

    @Test func read_mergesFilesByTime_andListsMissingFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let one = directory + "/one.jsonl"
        let two = directory + "/two.jsonl"
        try [try line(elected(1, epoch: 1, at: 1_000)), try line(event("Startup", enqueue: 990, wait: 5)), try line(event("BrokerChange", enqueue: 3_000))]
            .joined(separator: "\n").write(toFile: one, atomically: true, encoding: .utf8)
        try [try line(event("Startup", enqueue: 995, wait: 5)), try line(event("ControllerChange", enqueue: 2_000)), "garbage"]
            .joined(separator: "\n").write(toFile: two, atomically: true, encoding: .utf8)
        let trace = ControllerTraceReader.read([
            TraceSource(brokerID: 1, path: one), TraceSource(brokerID: 2, path: two), TraceSource(brokerID: 3, path: directory + "/none.jsonl"),
        ])
        #expect(trace.entries.map(\.timeMs) == [995, 1_000, 1_000, 2_001, 3_001])
        #expect(trace.entries.map(\.brokerID) == [1, 1, 2, 2, 1])
        #expect(trace.missingFiles == [directory + "/none.jsonl"])
        #expect(trace.problems.map(\.description) == ["\(two):3: malformed trace line skipped (The given data was not valid JSON.)"]
            || trace.problems.map(\.line) == [3])
    }

    @Test func place_transitionsBelongToTheNextEvent_andEventsGetTheControllersEpoch() {
        let records: [(Int, ControllerTraceRecord)] = [
            (1, elected(2, epoch: 5, at: 1_000)),
            (2, event("Startup", enqueue: 990, wait: 1)),
            (3, partition("t", 0, from: "OnlinePartition", to: "OfflinePartition", leader: 1, isr: [1], leaderEpoch: 2, epoch: 5, at: nil)),
            (4, event("BrokerChange", enqueue: 2_000, wait: 2)),
            (5, .milestone(ControllerMilestoneTraceRecord(kind: .resigned, timeMs: 3_000, brokerID: 2, controllerEpoch: 5))),
            (6, event("Reelect", enqueue: 2_999, wait: 0)),
            (7, event("Startup", enqueue: 9_000, wait: 0)),  // restarted process, not elected
        ]
        let entries = ControllerTraceReader.place(records, brokerID: 2, file: "f")
        #expect(entries[2].causeLine == 4)
        #expect(entries[2].timeMs == 2_002)  // no timeMs: the start of its event
        let epochs: [Int32?] = entries.map { $0.controllerEpoch }
        #expect(epochs == [5, 5, 5, 5, 5, 5, nil])
    }

    @Test func filter_byTopicPartitionAndBroker() {
        let records: [(Int, ControllerTraceRecord)] = [
            (1, partition("a", 0, from: "OnlinePartition", to: "OnlinePartition", leader: 2, isr: [2, 3], leaderEpoch: 1, epoch: 2, at: 10)),
            (2, replica("a", 0, 1, from: "OnlineReplica", to: "OfflineReplica", epoch: 2, at: 11)),
            (3, partition("b", 1, from: "OnlinePartition", to: "OnlinePartition", leader: 3, isr: [3], leaderEpoch: 4, epoch: 2, at: 12)),
            (4, event("BrokerChange", enqueue: 5, wait: 1)),
            (5, event("IsrChangeNotification", enqueue: 20)),
            (6, event("LeaderAndIsrResponseReceived", enqueue: 30)),
            (7, .milestone(ControllerMilestoneTraceRecord(kind: .brokerChange, timeMs: 9, brokerID: 2, controllerEpoch: 2, deadBrokers: [1], liveBrokers: [2, 3]))),
        ]
        let entries = ControllerTraceReader.merge([ControllerTraceReader.place(records, brokerID: 2, file: "f")])
        let byTopic = TraceFilter(topic: "a").apply(to: entries)
        #expect(byTopic.compactMap { $0.transition }.map { $0.topic } == ["a", "a"])
        #expect(byTopic.compactMap { $0.event }.map { $0.type } == ["BrokerChange"])
        #expect(byTopic.compactMap(\.milestone).count == 1)
        #expect(TraceFilter(partition: 1).apply(to: entries).compactMap(\.transition).map(\.topic) == ["b"])
        #expect(TraceFilter(topic: "a", partition: 1).apply(to: entries).compactMap(\.transition).isEmpty)
        // Broker 1: its replica transition and the broker change naming it, nothing else of broker 2's trace.
        let byBroker = TraceFilter(brokerID: 1).apply(to: entries)
        #expect(byBroker.map(\.line) == [7, 2])
        #expect(TraceFilter(brokerID: 2).apply(to: entries).count == entries.count)
        #expect(TraceFilter(sinceMs: 12).apply(to: entries).map(\.line) == [3, 5, 6])
        #expect(!TraceFilter(includeBrokerResponses: false).apply(to: entries).contains { $0.line == 6 })
    }

    @Test func render_showsLeaderAndISRMoves_elections_andFoldsResponses() throws {
        let records: [(Int, ControllerTraceRecord)] = [
            (1, elected(3, epoch: 4, at: 1_000)),
            (2, partition("t1", 0, from: "NewPartition", to: "OnlinePartition", leader: 2, isr: [1, 2, 3], leaderEpoch: 3, epoch: 4, cause: "onNewPartitionCreation", at: 1_001)),
            (3, event("Startup", enqueue: 999, wait: 0.5, took: 12.25)),
            (4, partition("t1", 0, from: "OnlinePartition", to: "OfflinePartition", leader: 3, isr: [1, 3], leaderEpoch: 4, epoch: 4, at: 2_002)),
            (5, event("BrokerChange", enqueue: 2_000)),
            (6, event("LeaderAndIsrResponseReceived", enqueue: 2_100)),
            (7, event("UpdateMetadataResponseReceived", enqueue: 2_101)),
            (8, event("UpdateMetadataResponseReceived", enqueue: 2_102)),
        ]
        let entries = ControllerTraceReader.merge([ControllerTraceReader.place(records, brokerID: 3, file: "f")])
        let lines = TraceTimelineRenderer(timeZone: TimeZone(identifier: "UTC")!).lines(entries)
        #expect(lines.count == 6)
        #expect(lines[0].hasPrefix("00:00:0") && lines[0].contains("  broker 3  epoch 4  event Startup (waited 0.5 ms, took 12."), "\(lines[0])")
        #expect(lines[1].contains("★ elected controller: /controller_epoch is now 4 (znode version 3)"))
        #expect(lines[2].hasSuffix("t1-0 NewPartition → OnlinePartition leader 2 isr [1,2,3] leader epoch 3 (cause onNewPartitionCreation)"))
        #expect(lines[4].hasSuffix("  t1-0 OnlinePartition → OfflinePartition leader 2→3 isr [1,2,3]→[1,3] leader epoch 4 (cause BrokerFailure)"))
        #expect(lines[5].hasSuffix("broker responses: LeaderAndIsr ×1, UpdateMetadata ×2"))
        #expect(TraceTimelineRenderer(foldBrokerResponses: false).lines(entries).count == 8)
    }

    @Test func jsonLines_carryBrokerTimeAndInferredEpoch() throws {
        let records: [(Int, ControllerTraceRecord)] = [(1, elected(3, epoch: 4, at: 1_000)), (2, event("Startup", enqueue: 999, wait: 0.5))]
        let entries = ControllerTraceReader.place(records, brokerID: 3, file: "f")
        let lines = try TraceTimelineRenderer.jsonLines(entries).split(separator: "\n")
        #expect(lines.count == 2)
        let event = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(event["broker"] as? Int == 3)
        #expect(event["controllerEpoch"] as? Int == 4)
        #expect(event["time"] as? Double == 999.5)
        #expect(event["type"] as? String == "Startup")
    }

    @Test func since_acceptsMillisecondsAndISO8601() {
        #expect(TraceTimestamp.parseMilliseconds("1700000000000") == 1_700_000_000_000)
        #expect(TraceTimestamp.parseMilliseconds("2023-11-14T22:13:20Z") == 1_700_000_000_000)
        #expect(TraceTimestamp.parseMilliseconds("2023-11-14T22:13:20.250Z") == 1_700_000_000_250)
        #expect(TraceTimestamp.parseMilliseconds("yesterday") == nil)
    }
}
