import Foundation
import KafkaGroupCoordinator
import KafkaProtocol
import Testing

@testable import KafkaBroker

extension GroupCoordinatorShellTests {
    @Test("the coordinator traces each transition once to <log.dir>/group-coordinator-trace.jsonl, and Dead when unloaded")
    func traceLines() async throws {
        try await withCoordinator { coordinator in
            try await elect(coordinator)
            let path = try #require(coordinator.trace?.path)
            #expect(path.hasSuffix("/group-coordinator-trace.jsonl"))
            let joined = await coordinator.join(groupId: "g", joinInput())
            #expect(joined.error == KafkaErrorCode.none)
            let synced = await coordinator.sync(
                groupId: "g", SyncGroupInput(generationId: 1, memberId: "client-m", assignments: ["client-m": [1, 2, 3]]))
            #expect(synced.error == KafkaErrorCode.none)
            coordinator.onResignation(partition: 0)

            let text = try String(contentsOfFile: path, encoding: .utf8)
            let records = try text.split(separator: "\n").map { try JSONDecoder().decode(GroupTraceRecord.self, from: Data($0.utf8)) }
            #expect(records.map(\.state) == ["PreparingRebalance", "CompletingRebalance", "Stable", "Dead"], "\(text)")
            #expect(records.map(\.generation) == [0, 1, 1, 1])
            #expect(records[2].leader == "client-m" && records[2].members.map(\.memberId) == ["client-m"])
            #expect(records.allSatisfy { $0.broker == 1 && $0.group == "g" })
        }
    }
}
